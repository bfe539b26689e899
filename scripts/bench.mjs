#!/usr/bin/env node
/**
 * `npm run bench [-- RUNS]`: the performance targets of docs/performance.md, measured side by side
 * on this machine (median of RUNS after a warm-up; the commands compared take turns, so load from
 * elsewhere hits them alike). Prints one row per target with the figure, the reference, the ratio
 * and PASS/MISS. Installs nginx, openssl, curl and mkcert with apt-get when missing (mkcert may not
 * exist: R5 then says so); builds dist/ on a fresh clone. Cleans up its temporary folders and servers.
 *
 *   R1  mtls --version / node -e 0                          <= 1.3
 *   R2  mtls inspect cert.pem / node -e 0                   <= 2.0   (openssl x509 -text for reference)
 *   R3  mtls request (one mTLS GET to nginx) / node -e 0    <= 2.5   (curl for reference)
 *   R4  mtls expiry on 2,000 certificates / node -e 0       <= 4, and >= 50x an openssl loop
 *   R5  CA + server + client certificate: mtls / mkcert     <= 1.0
 *   R6  peak RSS of mtls expiry on 20,000 certificates      <= 200 MB
 *   R7  full mTLS handshakes/s: mtls serve / nginx          >= 0.5
 *   R8a keep-alive requests/s through mtls bridge / stunnel  >= 0.8   (scripts/bench-bridge.mjs)
 *   R8b keep-alive requests/s through serve --upstream / nginx as the same proxy   >= 0.5
 */
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { benchExpiry } from './bench-expiry.mjs';
import { benchTls } from './bench-tls.mjs';
import { benchBridge } from './bench-bridge.mjs';
import { benchUpstream } from './bench-upstream.mjs';
import { BIN, NODE, cleanUp, ensureBuild, ensureTools, run, tempDir, timeTogether } from './bench-lib.mjs';

const runs = Number(process.argv[2] ?? 11);
const mtls = (...args) => run(NODE, [BIN, ...args]);

function startupRows() {
  const dir = tempDir();
  const pki = {
    ca: join(dir, 'pki/ca.crt'),
    serverCert: join(dir, 'pki/localhost.crt'),
    serverKey: join(dir, 'pki/localhost.key'),
    clientCert: join(dir, 'pki/bench-client.crt'),
    clientKey: join(dir, 'pki/bench-client.key'),
  };
  mtls('ca', 'init', '--dir', join(dir, 'pki'));
  mtls('issue', 'server', 'localhost', '--san', '127.0.0.1', '--dir', join(dir, 'pki'));
  mtls('issue', 'client', 'bench-client', '--dir', join(dir, 'pki'));

  const [node, version, inspect, openssl] = timeTogether(
    [() => run(NODE, ['-e', '0']), () => mtls('--version'), () => mtls('inspect', pki.serverCert), () => run('openssl', ['x509', '-in', pki.serverCert, '-noout', '-text'])],
    runs,
  );
  const rows = [
    { id: 'R1', what: 'mtls --version', ms: version, reference: 'node -e 0', referenceMs: node, ratio: version / node, target: '<= 1.3', pass: version / node <= 1.3 },
    { id: 'R2', what: 'mtls inspect cert.pem', ms: inspect, reference: 'node -e 0', referenceMs: node, ratio: inspect / node, target: '<= 2.0', pass: inspect / node <= 2.0, note: `openssl x509 -text ${openssl.toFixed(0)} ms` },
  ];
  return { rows, pki };
}

function pkiRow(hasMkcert) {
  const dir = tempDir();
  const mtlsPki = (round) => {
    const d = join(dir, `mtls-${round}`);
    mtls('ca', 'init', '--dir', d);
    mtls('issue', 'server', 'localhost', '--dir', d);
    mtls('issue', 'client', 'alice', '--dir', d);
  };
  if (!hasMkcert) {
    const [alone] = timeTogether([mtlsPki], runs);
    return { id: 'R5', what: 'CA + server + client certificate', ms: alone, reference: 'mkcert', ratio: null, target: '<= 1.0', pass: null, note: 'mkcert is not installed: no comparison' };
  }
  // mkcert makes its CA on first use in an empty CAROOT: a fresh one each round, as for mtls.
  const mkcertPki = (round) => {
    const d = join(dir, `mkcert-${round}`);
    mkdirSync(d);
    const options = { cwd: d, env: { ...process.env, CAROOT: d } };
    run('mkcert', ['-cert-file', 'server.crt', '-key-file', 'server.key', 'localhost'], options);
    run('mkcert', ['-client', '-cert-file', 'client.crt', '-key-file', 'client.key', 'alice'], options);
  };
  const [ours, theirs] = timeTogether([mtlsPki, mkcertPki], runs);
  return { id: 'R5', what: 'CA + server + client certificate', ms: ours, reference: 'mkcert', referenceMs: theirs, ratio: ours / theirs, target: '<= 1.0', pass: ours / theirs <= 1.0, note: 'mtls: EC P-256, 3 commands; mkcert: RSA, 2 commands' };
}

function printTable(rows) {
  const figure = (row) => row.value ?? `${row.ms.toFixed(0)} ms`;
  const reference = (row) => (row.reference ? `${row.reference} ${row.referenceValue ?? (row.referenceMs !== undefined ? `${row.referenceMs.toFixed(0)} ms` : '')}`.trim() : '');
  const header = ['', 'what', 'figure', 'reference', 'ratio', 'target', 'result', 'note'];
  const cells = rows.map((row) => [
    row.id,
    row.what,
    figure(row),
    reference(row),
    row.ratio === null || row.ratio === undefined ? '' : row.ratio.toFixed(2),
    row.target,
    row.pass === null ? 'n/a' : row.pass ? 'PASS' : 'MISS',
    row.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  for (const line of [header, widths.map((w) => '-'.repeat(w)), ...cells]) console.log(line.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
}

try {
  const missing = ensureTools({ openssl: 'openssl', curl: 'curl', nginx: 'nginx', mkcert: 'mkcert', stunnel4: 'stunnel4' });
  const required = missing.filter((tool) => tool !== 'mkcert');
  if (required.length > 0) throw new Error(`needed and not installed: ${required.join(', ')}`);
  ensureBuild();
  const version = mtls('--version').stdout.trim();
  console.log(`mtls ${version}, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), ${run('openssl', ['version']).stdout.trim()}`);
  console.log(`median of ${runs} runs after a warm-up; ratios are mtls / reference unless the row says otherwise\n`);
  const { rows, pki } = startupRows();
  rows.push(...(await benchTls(pki, runs)));
  rows.push(...(await benchBridge(pki, runs, !missing.includes('stunnel4'))));
  rows.push(...(await benchUpstream(pki)));
  rows.push(...benchExpiry(Math.max(3, Math.ceil(runs / 2))));
  rows.push(pkiRow(!missing.includes('mkcert')));
  rows.sort((a, b) => a.id.localeCompare(b.id));
  printTable(rows);
  const missed = rows.filter((row) => row.pass === false).map((row) => row.id);
  console.log(missed.length === 0 ? '\nevery target met' : `\nmissed: ${missed.join(', ')} (see docs/performance.md)`);
} finally {
  cleanUp();
}

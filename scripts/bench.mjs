#!/usr/bin/env node
/**
 * `npm run bench`: mtls side by side with the tools it replaces, on this machine, medians of
 * several runs, printed as ratios (mtls time / other tool's time). Nothing is asserted: the point
 * is to see where start-up and work go. Needs a build (npm run build), openssl and curl;
 * mkcert is compared when installed (apt-get install mkcert). Pass a number to change the runs.
 *
 *   startup   mtls --version                      vs  openssl version
 *   inspect   mtls inspect cert.pem               vs  openssl x509 -noout -text
 *   pki       ca init + issue server + client     vs  the openssl commands for the same, and mkcert
 *   request   mtls request (mTLS, TLS 1.3)        vs  curl with the same certificate
 *   expiry    see scripts/bench-expiry.mjs        (2,000 files vs an openssl loop)
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';

const runs = Number(process.argv[2] ?? 7);
const bin = fileURLToPath(new URL('../bin/mtls.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mtls-bench-'));
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result;
}

/** Median wall time in ms of `runs` executions of `task` (after one warm-up). */
function median(task) {
  task(0);
  const times = [];
  for (let i = 1; i <= runs; i++) {
    const start = process.hrtime.bigint();
    task(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const rows = [];
function compare(name, mtlsTask, others) {
  const mtlsMs = median(mtlsTask);
  for (const [label, task] of others) {
    const otherMs = task ? median(task) : null;
    rows.push({ name, mtlsMs, label, otherMs });
  }
  if (others.length === 0) rows.push({ name, mtlsMs, label: '-', otherMs: null });
}

const mtls = (...args) => run(process.execPath, [bin, ...args]);

try {
  compare('startup (--version)', () => mtls('--version'), [['openssl version', () => run('openssl', ['version'])]]);

  const pki = join(dir, 'pki');
  mtls('ca', 'init', '--dir', pki);
  mtls('issue', 'server', 'localhost', '--san', '127.0.0.1', '--dir', pki);
  mtls('issue', 'client', 'bench-client', '--dir', pki);
  compare('inspect a certificate', () => mtls('inspect', join(pki, 'localhost.crt')), [
    ['openssl x509 -text', () => run('openssl', ['x509', '-in', join(pki, 'localhost.crt'), '-noout', '-text'])],
  ]);

  compare(
    'PKI: CA + server + client',
    (i) => {
      const d = join(dir, `mtls-pki-${i}`);
      mtls('ca', 'init', '--dir', d);
      mtls('issue', 'server', 'localhost', '--dir', d);
      mtls('issue', 'client', 'alice', '--dir', d);
    },
    [
      ['openssl (7 commands)', (i) => opensslPki(join(dir, `openssl-pki-${i}`))],
      ['mkcert (CA + server + -client)', has('mkcert') ? (i) => mkcertPki(join(dir, `mkcert-${i}`)) : null],
    ],
  );

  const port = await freePort();
  const server = spawn('openssl', ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', join(pki, 'localhost.crt'), '-key', join(pki, 'localhost.key'),
    '-CAfile', join(pki, 'ca.crt'), '-Verify', '1', '-www', '-quiet', '-naccept', String(4 * runs + 8)], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `https://127.0.0.1:${port}/`;
  const creds = ['--cert', join(pki, 'bench-client.crt'), '--key', join(pki, 'bench-client.key'), '--cacert', join(pki, 'ca.crt')];
  compare('mTLS request (TLS 1.3)', () => mtls('request', url, ...creds, '-o', '/dev/null'), [
    ['curl', () => run('curl', ['-sS', '-o', '/dev/null', ...creds, url])],
  ]);
  server.kill();

  console.log(`\nmtls ${run(process.execPath, [bin, '--version']).stdout.trim()} on node ${process.version}, ${runs} runs each, median wall time\n`);
  console.log(`${'task'.padEnd(28)}${'mtls'.padStart(10)}   ${'compared with'.padEnd(32)}${'other'.padStart(10)}${'ratio'.padStart(9)}`);
  for (const row of rows) {
    const other = row.otherMs === null ? 'not installed'.padStart(10) : `${row.otherMs.toFixed(1)} ms`.padStart(10);
    const ratio = row.otherMs === null ? '' : `${(row.mtlsMs / row.otherMs).toFixed(1)}×`.padStart(9);
    console.log(`${row.name.padEnd(28)}${`${row.mtlsMs.toFixed(1)} ms`.padStart(10)}   ${row.label.padEnd(32)}${other}${ratio}`);
  }
  console.log('\nexpiry over many files: node scripts/bench-expiry.mjs 2000');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The openssl commands a careful engineer runs for the same PKI (EC P-256, correct EKUs). */
function opensslPki(d) {
  mkdirSync(d, { recursive: true });
  const o = (...args) => run('openssl', args, { cwd: d });
  writeFileSync(join(d, 'server.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n');
  writeFileSync(join(d, 'client.ext'), 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  o('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=bench CA', '-days', '3650',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  for (const name of ['server', 'client']) {
    o('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
    o('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '397', '-extfile', `${name}.ext`);
  }
}

function mkcertPki(d) {
  mkdirSync(d, { recursive: true });
  const env = { ...process.env, CAROOT: d };
  run('mkcert', ['-cert-file', join(d, 's.crt'), '-key-file', join(d, 's.key'), 'localhost'], { env, cwd: d });
  run('mkcert', ['-client', '-cert-file', join(d, 'c.crt'), '-key-file', join(d, 'c.key'), 'alice'], { env, cwd: d });
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

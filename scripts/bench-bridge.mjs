/**
 * R8a of `npm run bench`: requests per second and p50/p99 latency through `mtls bridge` and
 * through stunnel in client mode (Debian stunnel4), the same client certificate, to the same nginx
 * (TLS 1.3, client certificate required), on loopback, keep-alive both sides. The load generator
 * is a keep-alive loop in this process: N workers on an undici Pool of N connections (autocannon
 * is not installed here). Target: the bridge does >= 0.8x stunnel's requests/s.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { BIN, NODE, freePort, median, startProcess, tempDir, waitForPort } from './bench-lib.mjs';
import { startNginx } from './bench-tls.mjs';

const CONCURRENCY = 16;
/** Line 1 of the bridge's stdout: its base URL with the token. */
const BASE_URL = /http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}/;

/** N keep-alive workers for `seconds`: requests/s and latency percentiles (ms). */
async function load(origin, path, seconds) {
  const pool = new Pool(origin, { connections: CONCURRENCY, pipelining: 1 });
  const latencies = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const started = performance.now();
      try {
        const { statusCode, body } = await pool.request({ path, method: 'GET' });
        await body.dump();
        if (statusCode !== 200 && errors++ === 0 && process.env.BENCH_DEBUG) console.error(`HTTP ${statusCode} for ${path}`);
        if (statusCode !== 200) continue;
        latencies.push(performance.now() - started);
      } catch (error) {
        if (errors++ === 0 && process.env.BENCH_DEBUG) console.error(error);
      }
    }
  };
  const began = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = (performance.now() - began) / 1000;
  await pool.close();
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), errors };
}

async function startBridge(pki, upstreamPort) {
  const port = await freePort();
  const bridge = startProcess(NODE, [...(process.env.BENCH_BRIDGE_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BRIDGE_PROF}`] : []), BIN, 'bridge', '--to', `https://127.0.0.1:${upstreamPort}`, '--listen', `127.0.0.1:${port}`, '--quiet', '--cert', pki.clientCert, '--key', pki.clientKey, '--cacert', pki.ca]);
  await waitForPort(port);
  for (let i = 0; i < 400 && !BASE_URL.test(bridge.output()); i++) await new Promise((r) => setTimeout(r, 25));
  const found = BASE_URL.exec(bridge.output());
  if (!found) throw new Error(`mtls bridge printed no URL: ${bridge.output().slice(0, 500)}`);
  const base = new URL(found[0]);
  return { origin: base.origin, path: `${base.pathname.replace(/\/$/, '')}/`, stop: bridge.stop };
}

async function startStunnel(pki, upstreamPort) {
  const port = await freePort();
  const dir = tempDir('mtls-bench-stunnel-');
  const conf = join(dir, 'stunnel.conf');
  writeFileSync(conf, `foreground = yes
pid =
debug = 3
[bridge]
client = yes
accept = 127.0.0.1:${port}
connect = 127.0.0.1:${upstreamPort}
cert = ${pki.clientCert}
key = ${pki.clientKey}
CAfile = ${pki.ca}
verifyChain = yes
checkIP = 127.0.0.1
`);
  const stunnel = startProcess('stunnel4', [conf]);
  await waitForPort(port);
  return { origin: `http://127.0.0.1:${port}`, path: '/', stop: stunnel.stop };
}

export async function benchBridge(pki, runs) {
  const nginx = await startNginx(pki);
  try {
    const bridge = await startBridge(pki, nginx.port);
    const stunnel = await startStunnel(pki, nginx.port);
    try {
      await load(bridge.origin, bridge.path, 1);
      await load(stunnel.origin, stunnel.path, 1);
      // Turns, so load from the rest of the machine hits both alike.
      const rounds = { bridge: [], stunnel: [] };
      for (let round = 0; round < Math.max(3, Math.min(5, Math.ceil(runs / 3))); round++) {
        rounds.bridge.push(await load(bridge.origin, bridge.path, 3));
        rounds.stunnel.push(await load(stunnel.origin, stunnel.path, 3));
      }
      const summary = (list) => ({ rps: median(list.map((r) => r.rps)), p50: median(list.map((r) => r.p50)), p99: median(list.map((r) => r.p99)), errors: list.reduce((n, r) => n + r.errors, 0) });
      const ours = summary(rounds.bridge);
      const theirs = summary(rounds.stunnel);
      const ratio = ours.rps / theirs.rps;
      return [{
        id: 'R8a',
        what: 'mtls bridge, keep-alive GETs/s to nginx',
        value: `${ours.rps.toFixed(0)}/s p50 ${ours.p50.toFixed(1)} p99 ${ours.p99.toFixed(1)} ms`,
        reference: 'stunnel',
        referenceValue: `${theirs.rps.toFixed(0)}/s p50 ${theirs.p50.toFixed(1)} p99 ${theirs.p99.toFixed(1)} ms`,
        ratio,
        target: '>= 0.8',
        pass: ratio >= 0.8 && ours.errors === 0,
        note: `${CONCURRENCY} keep-alive connections, undici Pool load loop${ours.errors + theirs.errors > 0 ? `; errors: bridge ${ours.errors}, stunnel ${theirs.errors}` : ''}`,
      }];
    } finally {
      await bridge.stop();
      await stunnel.stop();
    }
  } finally {
    await nginx.stop();
  }
}

/**
 * R8b of `npm run bench`: `mtls serve --upstream` as the terminating mTLS proxy in front of a
 * plain node:http app, against nginx doing the same job (ssl_verify_client on, proxy_pass to the
 * same app with keep-alive upstream connections, the same identity headers set), one nginx
 * worker as mtls serve is one process. The load generator is a separate node process: N
 * concurrent keep-alive HTTPS clients with a client certificate, for a few seconds per turn;
 * the two proxies take turns so load from elsewhere hits both alike. Reports requests/s and
 * p50/p99 latency; the ratio is mtls / nginx requests/s.
 *
 *   node scripts/bench-upstream.mjs --load PORT SECONDS CONCURRENCY CERT KEY CA   (the load generator, prints JSON)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, NODE, freePort, median, run, startProcess, tempDir, waitForPort } from './bench-lib.mjs';

const CONCURRENCY = 32;
const SECONDS = 4;
const ROUNDS = 3;

/** The app behind both proxies (what an Express app is underneath): a short answer, keep-alive. */
const APP = (port) => `const s = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 3 }); res.end('ok\\n'); });
});
s.keepAliveTimeout = 60000;
s.listen(${port}, '127.0.0.1');`;

async function startApp() {
  const port = await freePort();
  const app = startProcess(NODE, ['-e', APP(port)]);
  await waitForPort(port);
  return { port, stop: app.stop };
}

async function startNginxProxy(pki, appPort) {
  const prefix = tempDir('mtls-bench-nginx-proxy-');
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  upstream app { server 127.0.0.1:${appPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${pki.serverCert};
    ssl_certificate_key ${pki.serverKey};
    ssl_client_certificate ${pki.ca}; ssl_verify_client on;
    keepalive_requests 100000;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto https;
      proxy_set_header X-SSL-Client-Verify $ssl_client_verify;
      proxy_set_header X-SSL-Client-S-DN $ssl_client_s_dn;
      proxy_set_header X-SSL-Client-I-DN $ssl_client_i_dn;
      proxy_set_header X-SSL-Client-Serial $ssl_client_serial;
      proxy_set_header X-SSL-Client-Fingerprint $ssl_client_fingerprint;
      proxy_set_header X-SSL-Client-Cert $ssl_client_escaped_cert;
    }
  }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const server = startProcess('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')]);
  await waitForPort(port);
  // The worker does the work; the master only watches it.
  return { port, stop: server.stop, pids: () => [server.child.pid, ...childrenOf(server.child.pid)] };
}

async function startSidecar(pki, appPort) {
  const port = await freePort();
  const server = startProcess(NODE, [BIN, 'serve', '--cert', pki.serverCert, '--key', pki.serverKey, '--client-ca', pki.ca, '--port', String(port), '--upstream', `http://127.0.0.1:${appPort}`], { stdio: ['ignore', 'ignore', 'ignore'] });
  await waitForPort(port);
  return { port, stop: server.stop, pids: () => [server.child.pid] };
}

function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU time (user + system, ms) the processes have used so far; null off Linux. */
function cpuMs(pids) {
  try {
    const ticks = pids.reduce((sum, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      return sum + Number(fields[11]) + Number(fields[12]);
    }, 0);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

/** One turn of the load generator against `port`: { rps, p50, p99 } (ms). */
function load(proxy, pki) {
  const before = cpuMs(proxy.pids());
  const { stdout } = run(NODE, [fileURLToPath(import.meta.url), '--load', String(proxy.port), String(SECONDS), String(CONCURRENCY), pki.clientCert, pki.clientKey, pki.ca]);
  const after = cpuMs(proxy.pids());
  const result = JSON.parse(stdout);
  // CPU per request of the proxy itself: what the machine's load cannot bend much.
  return { ...result, cpuUs: before === null || after === null ? null : ((after - before) * 1000) / result.requests };
}

export async function benchUpstream(pki) {
  const app = await startApp();
  try {
    const sidecar = await startSidecar(pki, app.port);
    const nginx = await startNginxProxy(pki, app.port);
    try {
      // Warm-up (JIT, pools, session caches), then turns.
      load(sidecar, pki);
      load(nginx, pki);
      const turns = { mtls: [], nginx: [] };
      for (let round = 0; round < ROUNDS; round++) {
        turns.mtls.push(load(sidecar, pki));
        turns.nginx.push(load(nginx, pki));
      }
      const summary = (list) => ({
        rps: median(list.map((t) => t.rps)),
        p50: median(list.map((t) => t.p50)),
        p99: median(list.map((t) => t.p99)),
        cpuUs: list.every((t) => t.cpuUs !== null) ? median(list.map((t) => t.cpuUs)) : null,
      });
      const [ours, theirs] = [summary(turns.mtls), summary(turns.nginx)];
      const figure = (s) => `${s.rps.toFixed(0)}/s p50 ${s.p50.toFixed(1)} ms p99 ${s.p99.toFixed(1)} ms`;
      return [
        {
          id: 'R8b',
          what: 'serve --upstream, keep-alive mTLS requests/s',
          value: figure(ours),
          reference: 'nginx',
          referenceValue: figure(theirs),
          ratio: ours.rps / theirs.rps,
          target: '>= 0.5',
          pass: ours.rps / theirs.rps >= 0.5,
          note: `${CONCURRENCY} keep-alive clients (node), ${SECONDS} s x ${ROUNDS} turns, 1 nginx worker${ours.cpuUs !== null && theirs.cpuUs !== null ? `; proxy CPU/request: mtls ${ours.cpuUs.toFixed(0)} µs, nginx ${theirs.cpuUs.toFixed(0)} µs` : ''}`,
        },
      ];
    } finally {
      await nginx.stop();
      await sidecar.stop();
    }
  } finally {
    await app.stop();
  }
}

/** The load generator: CONCURRENCY loops of keep-alive GETs for SECONDS; latency of each. */
async function generateLoad([port, seconds, concurrency, cert, key, ca]) {
  const { Agent, request } = await import('node:https');
  const agent = new Agent({ keepAlive: true, maxSockets: Number(concurrency), cert: readFileSync(cert), key: readFileSync(key), ca: readFileSync(ca) });
  const latencies = [];
  const get = () =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: Number(port), path: '/', agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  const start = performance.now();
  const end = start + Number(seconds) * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      await get();
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: Number(concurrency) }, loop));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  agent.destroy();
  process.stdout.write(JSON.stringify({ rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), requests: latencies.length }));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--load') await generateLoad(process.argv.slice(3));

/**
 * The network rows of `npm run bench`, against a local nginx (one worker, TLS 1.3, client
 * certificate required) on a random 127.0.0.1 port:
 *   R3  mtls request (one mTLS GET) / node -e 0, with curl for reference
 *   R7  full handshakes per second with a client certificate (openssl s_time -new) served by
 *       `mtls serve` / the same by nginx
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, NODE, freePort, median, run, startProcess, tempDir, timeTogether, waitForPort } from './bench-lib.mjs';

/** nginx configured as test/helpers/peers.ts does, answering every request with "ok". */
export async function startNginx(pki) {
  const prefix = tempDir('mtls-bench-nginx-');
  mkdirSync(join(prefix, 'logs'));
  const port = await freePort();
  const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs/error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate ${pki.serverCert};
    ssl_certificate_key ${pki.serverKey};
    ssl_client_certificate ${pki.ca}; ssl_verify_client on;
    location / { default_type text/plain; return 200 "ok\\n"; }
  }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const server = startProcess('nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')]);
  await waitForPort(port);
  return { port, stop: server.stop };
}

async function startMtlsServe(pki) {
  const port = await freePort();
  const server = startProcess(NODE, [BIN, 'serve', '--cert', pki.serverCert, '--key', pki.serverKey, '--client-ca', pki.ca, '--port', String(port)]);
  await waitForPort(port);
  return { port, stop: server.stop };
}

/** Full handshakes per second (new session each time) that `openssl s_time` completes in `seconds`. */
function handshakesPerSecond(port, pki, seconds) {
  const start = process.hrtime.bigint();
  const { stdout } = run('openssl', ['s_time', '-connect', `127.0.0.1:${port}`, '-new', '-time', String(seconds), '-cert', pki.clientCert, '-key', pki.clientKey, '-CAfile', pki.ca]);
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  const connections = Number(/(\d+) connections in [\d.]+ real seconds/.exec(stdout)?.[1] ?? /(\d+) connections in/.exec(stdout)?.[1]);
  if (!connections) throw new Error(`openssl s_time completed no handshake: ${stdout.slice(0, 300)}`);
  return connections / elapsed;
}

export async function benchTls(pki, runs) {
  const nginx = await startNginx(pki);
  const rows = [];
  try {
    const url = `https://127.0.0.1:${nginx.port}/`;
    const body = join(tempDir(), 'body.txt');
    const credentials = ['--cert', pki.clientCert, '--key', pki.clientKey, '--cacert', pki.ca];
    const [node, mtls, curl] = timeTogether(
      [() => run(NODE, ['-e', '0']), () => run(NODE, [BIN, 'request', url, ...credentials, '-o', body]), () => run('curl', ['-sS', '-o', body, ...credentials, url])],
      runs,
    );
    rows.push({ id: 'R3', what: 'mtls request, one mTLS GET (nginx)', ms: mtls, reference: 'node -e 0', referenceMs: node, ratio: mtls / node, target: '<= 2.5', pass: mtls / node <= 2.5, note: `curl ${curl.toFixed(0)} ms` });

    const serve = await startMtlsServe(pki);
    try {
      // Turns, so both servers see the same load from the rest of the machine.
      const rates = { serve: [], nginx: [] };
      for (let round = 0; round < 3; round++) {
        rates.serve.push(handshakesPerSecond(serve.port, pki, 3));
        rates.nginx.push(handshakesPerSecond(nginx.port, pki, 3));
      }
      const [serveRate, nginxRate] = [median(rates.serve), median(rates.nginx)];
      rows.push({
        id: 'R7',
        what: 'mtls serve, full mTLS handshakes/s',
        value: `${serveRate.toFixed(0)}/s`,
        reference: 'nginx',
        referenceValue: `${nginxRate.toFixed(0)}/s`,
        ratio: serveRate / nginxRate,
        target: '>= 0.5',
        pass: serveRate / nginxRate >= 0.5,
        note: 'openssl s_time -new, 1 nginx worker',
      });
    } finally {
      await serve.stop();
    }
  } finally {
    await nginx.stop();
  }
  return rows;
}

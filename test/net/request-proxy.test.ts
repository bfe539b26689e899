import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startNginx } from '../helpers/peers.js';
import { makeRequestPki } from './request-pki.js';

/** HTTPS_PROXY: the proxy only sees a CONNECT; the client certificate goes end to end to the origin. */
const pki = makeRequestPki();
const origin = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' });

const tunnels: string[] = [];
const proxy = createServer((_req, res) => res.writeHead(405).end());
proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
  tunnels.push(req.url ?? '');
  if (req.headers['proxy-authorization'] === undefined && req.url?.startsWith('refused.test')) {
    client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  const [host, port] = (req.url ?? '').split(':');
  const upstream = connect({ host: host === 'refused.test' ? '127.0.0.1' : host, port: Number(port) }, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
after(() => {
  proxy.closeAllConnections();
  proxy.close();
});
const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
const credentials = ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa];

describe('mtls request through HTTPS_PROXY', () => {
  it('tunnels with CONNECT and presents the client certificate to the origin', async () => {
    const before = tunnels.length;
    const result = await runCli(['request', origin.url, ...credentials, '-v'], { env: { HTTPS_PROXY: proxyUrl } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /subject=CN=good client/);
    assert.match(result.stderr, /CONNECT through 127\.0\.0\.1/);
    assert.deepEqual(tunnels.slice(before), [`127.0.0.1:${origin.port}`]);
  });

  it('NO_PROXY bypasses the proxy', async () => {
    const before = tunnels.length;
    const result = await runCli(['request', origin.url, ...credentials], { env: { HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(tunnels.length, before);
  });

  it('a proxy that refuses the tunnel → MTLS_PROXY_FAILED, exit 1', async () => {
    const url = `https://refused.test:${origin.port}/`;
    const result = await runCli(['request', url, ...credentials, '--json'], { env: { HTTPS_PROXY: proxyUrl } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(JSON.parse(result.stdout).diagnosis.code, 'MTLS_PROXY_FAILED');
    assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  });
});

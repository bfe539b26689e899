import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { freePort } from '../helpers/tmp.js';
import { makeRequestPki } from './request-pki.js';

/** Every way a connection fails before a response, each diagnosed with exit 1. */
const pki = makeRequestPki();

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => sockets.add(s.on('close', () => sockets.delete(s))));
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as { port: number }).port;
}

const [plainServer, leafFromRoot, leafWithoutIntermediate, leafWithIntermediate] = await Promise.all([
  listen(createHttpServer((_req, res) => res.end('plain http\n'))),
  startOpenSslServer({ cert: pki.server.cert, key: pki.server.key }),
  startOpenSslServer({ cert: pki.serverViaIntermediate.cert, key: pki.serverViaIntermediate.key }),
  startOpenSslServer({ cert: pki.serverViaIntermediate.cert, key: pki.serverViaIntermediate.key, chain: pki.intermediate }),
]);
const silentPort = await listen(createNetServer(() => undefined));
const hangUpPort = await listen(createNetServer((socket) => socket.destroy()));
const closedPort = await freePort();

async function expectDiagnosis(args: string[], code: string): Promise<{ stderr: string; elapsedMs: number }> {
  const started = Date.now();
  const result = await runCli(['request', ...args, '--json']);
  const elapsedMs = Date.now() - started;
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  const document = JSON.parse(result.stdout) as { diagnosis: { code: string } | null };
  assert.equal(document.diagnosis?.code, code, result.stderr);
  assert.equal(result.code, 1, result.stderr);
  return { stderr: result.stderr, elapsedMs };
}

describe('mtls request: failures before any response', { concurrency: true }, () => {
  it('a server from a CA not trusted here (no --cacert) → MTLS_SERVER_CERT_UNTRUSTED', async () => {
    const { stderr } = await expectDiagnosis([leafFromRoot.url], 'MTLS_SERVER_CERT_UNTRUSTED');
    assert.match(stderr, /--cacert/);
  });

  it('a name the certificate does not list (--resolve) → MTLS_SERVER_NAME_MISMATCH', async () => {
    const url = `https://wrong-name.test:${leafFromRoot.port}/`;
    const { stderr } = await expectDiagnosis([url, '--resolve', `wrong-name.test:${leafFromRoot.port}:127.0.0.1`, '--cacert', pki.rootCa], 'MTLS_SERVER_NAME_MISMATCH');
    assert.match(stderr, /IP:127\.0\.0\.1/);
  });

  it('a server that does not send its intermediate → MTLS_SERVER_CHAIN_INCOMPLETE', async () => {
    await expectDiagnosis([leafWithoutIntermediate.url, '--cacert', pki.rootCa], 'MTLS_SERVER_CHAIN_INCOMPLETE');
  });

  it('the same server sending its intermediate succeeds (control)', async () => {
    const result = await runCli(['request', leafWithIntermediate.url, '--cacert', pki.rootCa]);
    assert.equal(result.code, 0, result.stderr);
  });

  it('plain HTTP on the port → MTLS_PLAIN_HTTP', async () => {
    await expectDiagnosis([`https://127.0.0.1:${plainServer}/`], 'MTLS_PLAIN_HTTP');
  });

  it('a closed port → MTLS_CONNECTION_REFUSED', async () => {
    await expectDiagnosis([`https://127.0.0.1:${closedPort}/`], 'MTLS_CONNECTION_REFUSED');
  });

  it('a peer that never answers, --connect-timeout 2 → MTLS_CONNECT_TIMEOUT without hanging', async () => {
    const { elapsedMs } = await expectDiagnosis([`https://127.0.0.1:${silentPort}/`, '--connect-timeout', '2'], 'MTLS_CONNECT_TIMEOUT');
    assert.ok(elapsedMs < 10_000, `took ${elapsedMs} ms`); // a hang guard, not a timing claim
  });

  it('a peer that closes at once → MTLS_PEER_CLOSED_HANDSHAKE', async () => {
    await expectDiagnosis([`https://127.0.0.1:${hangUpPort}/`], 'MTLS_PEER_CLOSED_HANDSHAKE');
  });

  it('a peer that never answers, --max-time 1 alone → MTLS_REQUEST_TIMEOUT: --max-time bounds connecting too', { timeout: 30_000 }, async () => {
    const { stderr, elapsedMs } = await expectDiagnosis([`https://127.0.0.1:${silentPort}/`, '--max-time', '1'], 'MTLS_REQUEST_TIMEOUT');
    assert.match(stderr, /within 1000 ms: the TCP connection was made but the TLS handshake never finished/);
    assert.ok(elapsedMs < 10_000, `took ${elapsedMs} ms`); // a hang guard, not a timing claim
  });

  it('--resolve to something that is not an IP address is invalid input (exit 2), as in curl', async () => {
    const result = await runCli(['request', `https://localhost:${closedPort}/`, '--resolve', `localhost:${closedPort}:garbage`]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /MTLS_USAGE[\s\S]*"garbage" is not an IP address/);
  });

  it('a URL that does not parse is echoed without its password', async () => {
    const result = await runCli(['request', 'https://user:S3CRET@localhost:99999/']);
    assert.equal(result.code, 2, result.stderr);
    // A URL that does not parse may hide its password anywhere before the last "@": all of it goes.
    assert.match(result.stderr, /"https:\/\/\*\*\*@localhost:99999\/" is not a URL/, 'shown without its userinfo');
    assert.doesNotMatch(result.stdout + result.stderr, /S3CRET/);
  });

  it('an http:// URL is invalid input → exit 2', async () => {
    const result = await runCli(['request', `http://127.0.0.1:${plainServer}/`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /MTLS_USAGE/);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { createDemoPki, DEMO_SPIFFE_ID, type DemoPki } from '../../src/core/demo/pki.js';
import { startUpstreamApp, type SeenRequest } from '../helpers/upstream-app.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe, type ServeProcess } from './serve-helpers.js';
import { openEvents, openWebSocket, rawExchange, type Identity } from './serve-upstream-clients.js';

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000, maxBuffer: 1 << 24 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** curl through the sidecar: the body, then the status on the last line. */
async function curl(server: ServeProcess, pki: DemoPki, client: Identity | null, path: string, extra: string[] = []): Promise<{ status: number; body: string }> {
  const identity = client ? ['--cert', client.cert, '--key', client.key] : [];
  const result = await run('curl', ['-sS', '--max-time', '15', '-w', '\n%{http_code}', '--cacert', pki.ca, ...identity, ...extra, `${server.url}${path.replace(/^\//, '')}`]);
  const cut = result.stdout.lastIndexOf('\n');
  return { status: Number(result.stdout.slice(cut + 1)), body: result.stdout.slice(0, cut) };
}

/** What openssl says about a certificate: the oracle the headers are checked against. */
function openssl(cert: string, ...args: string[]): string {
  return execFileSync('openssl', ['x509', '-in', cert, '-noout', '-nameopt', 'RFC2253', ...args], { encoding: 'utf8' }).trim().replace(/^[^=]+=/, '');
}

/** Every value of a header (any case) in what the app received. */
function values(seen: SeenRequest, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < seen.rawHeaders.length; i += 2) if ((seen.rawHeaders[i] as string).toLowerCase() === name) out.push(seen.rawHeaders[i + 1] as string);
  return out;
}

const IDENTITY_NAMES = ['x-ssl-client-verify', 'x-ssl-client-s-dn', 'x-ssl-client-i-dn', 'x-ssl-client-serial', 'x-ssl-client-fingerprint', 'x-ssl-client-cert', 'x-forwarded-client-cert'];

/** Forged identity, in every spelling a client might try (case, underscores, duplicates, RFC 9440, Connection-listed). */
const FORGED = [
  ['-H', 'X-SSL-Client-S-DN: CN=forged'],
  ['-H', 'x-ssl-client-s-dn: CN=forged-lowercase'],
  ['-H', 'X_SSL_Client_S_DN: CN=forged-underscore'],
  ['-H', 'X-SSL-Client-Verify: SUCCESS-forged'],
  ['-H', 'X-SSL-Client-Fingerprint: forged'],
  ['-H', 'X-SSL-Client-V-Start: forged'],
  ['-H', 'X-Forwarded-Client-Cert: By=spiffe://forged;Hash=00;Subject="CN=forged"'],
  ['-H', 'x-forwarded-client-cert: Hash=forged-again'],
  ['-H', 'Client-Cert: :forged:'],
  // A proxy that dropped every field Connection names after adding its own would lose the real one.
  ['-H', 'Connection: X-SSL-Client-Verify, X-SSL-Client-S-DN'],
].flat();

function assertNothingForged(seen: SeenRequest[]): void {
  for (const request of seen) {
    for (let i = 1; i < request.rawHeaders.length; i += 2) assert.doesNotMatch(request.rawHeaders[i] as string, /forged/, `${request.rawHeaders[i - 1]} reached the app from the client`);
  }
}

test('serve --upstream: curl with a good certificate reaches a plain HTTP app that sees the identity headers (each checked against the certificate), and no forged identity header ever reaches it', async () => {
  const pki = await createDemoPki(tempDir('mtls-upstream-'), new Date());
  const app = await startUpstreamApp();
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--upstream', app.origin]);
  assert.match(server.stderr(), new RegExp(`forwarding to ${app.origin}`));

  const upload = join(pki.dir, 'upload.bin');
  writeFileSync(upload, 'x'.repeat(200_000));
  const good = await curl(server, pki, pki.client, '/echo?q=1', [...FORGED, '--data-binary', `@${upload}`]);
  assert.equal(good.status, 200, good.body);
  const seen = JSON.parse(good.body) as SeenRequest;
  assert.equal(seen.url, '/echo?q=1');
  assert.equal(seen.bodyBytes, 200_000, 'the request body is forwarded whole');
  const leaf = new X509Certificate(readFileSync(pki.client.cert));
  const expected: Record<string, string> = {
    'x-ssl-client-verify': 'SUCCESS',
    'x-ssl-client-s-dn': openssl(pki.client.cert, '-subject'),
    'x-ssl-client-i-dn': openssl(pki.client.cert, '-issuer'),
    'x-ssl-client-serial': openssl(pki.client.cert, '-serial'),
    'x-ssl-client-fingerprint': openssl(pki.client.cert, '-fingerprint', '-sha256').replaceAll(':', '').toLowerCase(),
  };
  assert.equal(expected['x-ssl-client-s-dn'], 'CN=alice');
  assert.equal(expected['x-ssl-client-i-dn'], 'CN=mtls demo CA');
  for (const [name, value] of Object.entries(expected)) assert.deepEqual(values(seen, name), [value], name);
  const [escaped] = values(seen, 'x-ssl-client-cert');
  assert.equal(decodeURIComponent(escaped ?? ''), leaf.toString(), 'X-SSL-Client-Cert is the PEM, URL-encoded');
  assert.doesNotMatch(escaped ?? '', /[\n ]/);
  assert.deepEqual(values(seen, 'x-forwarded-client-cert'), [`Hash=${expected['x-ssl-client-fingerprint']};Subject="CN=alice";URI=${DEMO_SPIFFE_ID}`]);
  assert.deepEqual(values(seen, 'x-forwarded-proto'), ['https']);
  assert.deepEqual(values(seen, 'client-cert'), []);
  for (const name of ['x-ssl-client-v-start', 'x_ssl_client_s_dn']) assert.deepEqual(values(seen, name), [], name);

  // Tricks the HTTP parser must refuse before anything is forwarded: obs-fold, space before the colon, a bare LF.
  for (const trick of ['X-Note: a\r\n X-SSL-Client-S-DN: CN=forged-fold', 'X-SSL-Client-S-DN : CN=forged-space', 'X-Note: a\nX-SSL-Client-S-DN: CN=forged-lf']) {
    const answer = await rawExchange(server.port, pki.client, pki.ca, `GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n${trick}\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 400 /, JSON.stringify(trick));
  }
  // A chunked body's trailer section is not forwarded either.
  const trailer = await rawExchange(server.port, pki.client, pki.ca, 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n0\r\nX-SSL-Client-S-DN: CN=forged-trailer\r\n\r\n');
  assert.match(trailer, /^HTTP\/1\.1 200 /);

  // WebSocket: handshake, identity on the upgrade request, frames both ways.
  const ws = await openWebSocket(server.port, pki.client, pki.ca);
  assert.match(ws.handshake, /^HTTP\/1\.1 101 /);
  assert.equal(await ws.echo('hello'), 'echo: hello');
  assert.equal(await ws.echo('again'), 'echo: again');
  const upgrade = app.seen.find((r) => r.url === '/ws') as SeenRequest;
  assert.deepEqual(values(upgrade, 'x-ssl-client-s-dn'), ['CN=alice']);
  ws.close();

  // Server-sent events arrive one by one while the stream stays open: nothing waits for the end.
  const events = await openEvents(server.port, pki.client, pki.ca);
  assert.equal(events.status, 200);
  await events.waitFor(/: open/, 'the stream opening');
  app.send('one');
  await events.waitFor(/data: one/, 'the first event');
  app.send('two');
  await events.waitFor(/data: two/, 'the second event');
  events.close();
  await server.waitFor(() => /200 GET \/events from 127\.0\.0\.1: "CN=alice"/.test(server.stderr()), 'the log line of the event stream, once the client closed it');
  assertNothingForged(app.seen);

  // Refused clients get serve's reasons, for requests and upgrades alike, and never reach the app.
  const before = app.seen.length;
  const none = await curl(server, pki, null, '/echo');
  assert.equal(none.status, 496);
  assert.match(none.body, /client certificate required[\s\S]*MTLS_SERVE_NO_CLIENT_CERT/);
  const foreign = await curl(server, pki, pki.otherCaClient, '/echo');
  assert.equal(foreign.status, 495);
  assert.match(foreign.body, /issued by "CN=some other CA", which is not a CA this server trusts[\s\S]*MTLS_SERVE_CLIENT_UNKNOWN_CA/);
  const expired = await curl(server, pki, pki.expiredClient, '/echo');
  assert.equal(expired.status, 495);
  assert.match(expired.body, /"bob-expired" expired on[\s\S]*MTLS_CERT_EXPIRED/);
  const refusedUpgrade = await rawExchange(server.port, null, pki.ca, 'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
  assert.match(refusedUpgrade, /^HTTP\/1\.1 496 [\s\S]*MTLS_SERVE_NO_CLIENT_CERT/);
  assert.equal(app.seen.length, before, 'no refused client reached the app');

  // An answer the app breaks off midway is cut for the client too (curl: 18, partial file), never passed on as a whole one.
  const broken = await run('curl', ['-sS', '--max-time', '15', '--cacert', pki.ca, '--cert', pki.client.cert, '--key', pki.client.key, `${server.url}break`]);
  assert.equal(broken.code, 18, broken.stderr);

  // The app goes away: 502 with the reason, and one log line naming the upstream.
  await app.close();
  const down = await curl(server, pki, pki.client, '/echo');
  assert.equal(down.status, 502);
  assert.match(down.body, new RegExp(`upstream unreachable\\nreason: nothing listens on ${app.origin} \\(connection refused\\)[\\s\\S]*code: MTLS_SERVE_UPSTREAM_UNREACHABLE \\(ECONNREFUSED\\)`));
  await server.waitFor(() => /502 GET \/echo/.test(server.stderr()), 'the log line of the 502');
  const lines = server.stderr().split('\n').filter((line) => line.includes('MTLS_SERVE_UPSTREAM_UNREACHABLE'));
  assert.equal(lines.length, 1, server.stderr());
  assert.match(lines[0] as string, new RegExp(`502 GET /echo from 127\\.0\\.0\\.1: nothing listens on ${app.origin}`));

  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

test('serve --upstream --optional: a client without a certificate is forwarded with X-SSL-Client-Verify: NONE, a refused one with FAILED:reason, and neither comes with a name; a TLS 1.2 renegotiation is refused', async () => {
  const pki = await createDemoPki(tempDir('mtls-upstream-optional-'), new Date());
  const app = await startUpstreamApp();
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--optional', '--upstream', app.origin, '--json']);
  const cases: [Identity | null, string][] = [
    [null, 'NONE'],
    [pki.otherCaClient, 'FAILED:unable to verify the first certificate'],
    [pki.expiredClient, 'FAILED:certificate has expired'],
    [pki.client, 'SUCCESS'],
  ];
  for (const [client, verify] of cases) {
    const answer = await curl(server, pki, client, '/echo', ['-H', 'X-SSL-Client-S-DN: CN=forged']);
    assert.equal(answer.status, 200, answer.body);
    const seen = JSON.parse(answer.body) as SeenRequest;
    assert.deepEqual(values(seen, 'x-ssl-client-verify'), [verify]);
    const named = IDENTITY_NAMES.slice(1).filter((name) => values(seen, name).length > 0);
    assert.deepEqual(named, verify === 'SUCCESS' ? IDENTITY_NAMES.slice(1) : [], `identity headers with ${verify}`);
  }
  assertNothingForged(app.seen);

  // The identity is read once per connection, so a TLS 1.2 renegotiation (a new certificate on the same connection) is refused; the server serves on.
  const renegotiation = await new Promise<string>((resolve) => {
    let settled = false;
    const settle = (verdict: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(verdict);
    };
    const timer = setTimeout(() => settle('no answer'), 5_000);
    const socket = connect({ host: '127.0.0.1', port: server.port, maxVersion: 'TLSv1.2', ca: readFileSync(pki.ca), cert: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) }, () => {
      const started = socket.renegotiate({ rejectUnauthorized: true }, (error) => settle(error ? 'refused' : 'accepted'));
      if (!started) settle('refused');
    });
    socket.on('error', () => settle('refused'));
    socket.on('close', () => settle('refused'));
  });
  assert.notEqual(renegotiation, 'accepted', 'renegotiation is refused (the connection errors or stalls; it never completes)');
  assert.equal((await curl(server, pki, pki.client, '/echo')).status, 200);

  // serve logs a request when its response has finished, which may be just after curl has read it.
  const served = () => server.stdout().trim().split('\n').map((line) => JSON.parse(line) as { event: string; status?: number }).filter((e) => e.event === 'request' && e.status === 200).length;
  for (let i = 0; i < 100 && served() < 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(served(), 5, 'one request event per forwarded request');
  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

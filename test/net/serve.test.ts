import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createDemoPki, DEMO_SPIFFE_ID, type DemoPki } from '../../src/core/demo/pki.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe, type ServeProcess } from './serve-helpers.js';

/** Runs a client tool; resolves with its exit code and output whatever the code. */
function run(command: string, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(command, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin);
  });
}

function curl(server: ServeProcess, pki: DemoPki, client: { cert: string; key: string } | null) {
  const identity = client ? ['--cert', client.cert, '--key', client.key] : [];
  return run('curl', ['-sS', '--max-time', '10', '-w', '\nstatus=%{http_code}', '--cacert', pki.ca, ...identity, server.url]);
}

function sClient(server: ServeProcess, pki: DemoPki, client: { cert: string; key: string } | null) {
  const identity = client ? ['-cert', client.cert, '-key', client.key] : [];
  return run('openssl', ['s_client', '-connect', `127.0.0.1:${server.port}`, '-CAfile', pki.ca, '-quiet', '-ign_eof', ...identity], 'GET / HTTP/1.0\r\n\r\n');
}

test('mtls serve as a process: curl and openssl s_client get the echo with a good certificate, and are refused without one or from another CA, with the reason in the log', async () => {
  const pki = await createDemoPki(tempDir('mtls-serve-'), new Date());
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0']);
  assert.match(server.stdout(), /^https:\/\/127\.0\.0\.1:\d+\/\n$/, 'stdout is the URL line alone');

  const good = await curl(server, pki, pki.client);
  assert.equal(good.code, 0, good.stderr);
  const echo = JSON.parse(good.stdout.slice(0, good.stdout.lastIndexOf('\nstatus='))) as { verified: boolean; certificate: { subject: string; spiffeId: string; issuer: string; fingerprintSha256: string }; tls: { version: string; cipher: string } };
  assert.equal(echo.verified, true);
  assert.equal(echo.certificate.subject, 'CN=alice');
  assert.equal(echo.certificate.spiffeId, DEMO_SPIFFE_ID);
  assert.equal(echo.certificate.issuer, 'CN=mtls demo CA');
  assert.match(echo.certificate.fingerprintSha256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  assert.match(echo.tls.version, /^TLSv1\.[23]$/);

  const none = await curl(server, pki, null);
  assert.match(none.stdout, /client certificate required[\s\S]*status=496/);
  await server.waitFor(() => /refused 127\.0\.0\.1: no client certificate was sent \[MTLS_SERVE_NO_CLIENT_CERT\]/.test(server.stderr()), 'the log of the refusal without a certificate');

  const foreign = await curl(server, pki, pki.otherCaClient);
  assert.match(foreign.stdout, /client certificate rejected[\s\S]*MTLS_SERVE_CLIENT_UNKNOWN_CA[\s\S]*status=495/);
  await server.waitFor(
    () => /refused 127\.0\.0\.1: the client certificate "mallory" was issued by "CN=some other CA", which is not a CA this server trusts \(it trusts "CN=mtls demo CA"\) \[MTLS_SERVE_CLIENT_UNKNOWN_CA/.test(server.stderr()),
    'the log naming the unknown issuer and the trusted CA',
  );

  const goodSClient = await sClient(server, pki, pki.client);
  assert.match(goodSClient.stdout, /HTTP\/1\.1 200[\s\S]*"verified": true[\s\S]*"subject": "CN=alice"/);
  const foreignSClient = await sClient(server, pki, pki.otherCaClient);
  assert.match(foreignSClient.stdout, /HTTP\/1\.1 495 SSL Certificate Error[\s\S]*MTLS_SERVE_CLIENT_UNKNOWN_CA/);
  const noneSClient = await sClient(server, pki, null);
  assert.match(noneSClient.stdout, /HTTP\/1\.1 496 SSL Certificate Required/);
  assert.equal((server.stderr().match(/MTLS_SERVE_CLIENT_UNKNOWN_CA/g) ?? []).length, 2);

  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
  assert.match(server.stderr(), /stopped\.\n$/);
});

test('mtls serve --json: one JSON event per line on stdout; --optional serves an expired certificate and says why it is not verified', async () => {
  const pki = await createDemoPki(tempDir('mtls-serve-json-'), new Date());
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--optional', '--json']);
  const expired = await curl(server, pki, pki.expiredClient);
  const echo = JSON.parse(expired.stdout.slice(0, expired.stdout.lastIndexOf('\nstatus='))) as { verified: boolean; notVerifiedBecause: { code: string; reason: string } };
  assert.equal(echo.verified, false);
  assert.equal(echo.notVerifiedBecause.code, 'MTLS_CERT_EXPIRED');
  assert.match(echo.notVerifiedBecause.reason, /"bob-expired" expired on \d{4}-/);
  const plain = await run('curl', ['-sS', '--max-time', '10', server.url.replace('https:', 'http:')]);
  assert.notEqual(plain.code, 0);
  await server.waitFor(() => server.stdout().includes('MTLS_SERVE_PLAIN_HTTP'), 'the plain-HTTP event');
  server.signal('SIGINT');
  assert.equal(await server.exited(), 0);
  const events = server.stdout().trim().split('\n').map((line) => JSON.parse(line) as { schemaVersion: number; kind: string; event: string; code?: string });
  assert.ok(events.every((e) => e.schemaVersion === 1 && e.kind === 'serve-event'));
  assert.deepEqual(
    events.map((e) => e.event).filter((e) => e !== 'handshake-failed'),
    ['listening', 'request', 'closing', 'closed'],
  );
  assert.equal(events.find((e) => e.event === 'handshake-failed' && e.code === 'MTLS_SERVE_PLAIN_HTTP')?.event, 'handshake-failed');
});

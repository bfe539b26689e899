// A client certificate with an empty subject (RFC 5280 §4.1.2.6: its names are in a critical SAN;
// some CAs issue SPIFFE certificates this way) is served, echoed and logged like any other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe } from './serve-helpers.js';

test('mtls serve accepts, echoes and logs a client certificate with an empty subject', async () => {
  const dir = tempDir('mtls-empty-subject-');
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  writeFileSync(
    join(dir, 'ext.cnf'),
    '[client]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=critical,URI:spiffe://example.org/empty,DNS:empty.example.com\n',
  );
  openssl('req', '-x509', ...ec, '-keyout', 'client-ca.key', '-out', 'client-ca.pem', '-subj', '/CN=empty subject CA', '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign');
  openssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/');
  openssl('x509', '-req', '-in', 'client.csr', '-CA', 'client-ca.pem', '-CAkey', 'client-ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '1', '-extfile', 'ext.cnf', '-extensions', 'client');
  assert.equal((await runCli(['ca', 'init', '--dir', join(dir, 'pki')])).code, 0);
  assert.equal((await runCli(['issue', 'server', 'localhost', '--san', '127.0.0.1', '--dir', join(dir, 'pki')])).code, 0);

  const serve = await spawnServe(['--cert', join(dir, 'pki', 'localhost.crt'), '--key', join(dir, 'pki', 'localhost.key'), '--client-ca', join(dir, 'client-ca.pem'), '--port', '0']);
  const result = await runCli(['request', serve.url, '--cacert', join(dir, 'pki', 'ca.crt'), '--cert', join(dir, 'client.pem'), '--key', join(dir, 'client.key')]);
  assert.equal(result.code, 0, result.stderr);
  const echo = JSON.parse(result.stdout) as { verified: boolean; certificate: { subject: string; spiffeId: string } };
  assert.equal(echo.verified, true);
  assert.equal(echo.certificate.subject, '');
  assert.equal(echo.certificate.spiffeId, 'spiffe://example.org/empty');
  await serve.waitFor(() => /200 GET \/ from 127\.0\.0\.1: an empty subject \(spiffe:\/\/example\.org\/empty\), verified/.test(serve.stderr()), 'the log line (stderr) naming the empty subject');
  assert.doesNotMatch(serve.stdout() + serve.stderr(), STACK_TRACE);
  // The certificate itself reads as what it is.
  const inspected = await runCli(['inspect', join(dir, 'client.pem')]);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.doesNotMatch(inspected.stdout + inspected.stderr, /damaged|corrupt/i);
  serve.signal('SIGTERM');
  await serve.exited();
});

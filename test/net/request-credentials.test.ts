import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startNginx } from '../helpers/peers.js';
import { makeRequestPki } from './request-pki.js';

/** Every credential form reaches the same server; bad local input stops before any traffic. */
const pki = makeRequestPki();
const server = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' });

function convert(args: string[]): void {
  execFileSync('openssl', args, { cwd: pki.dir, stdio: ['ignore', 'ignore', 'pipe'] });
}
const derCert = join(pki.dir, 'good-client.der');
const derKey = join(pki.dir, 'good-client.key.der');
const p12 = join(pki.dir, 'good-client.p12');
const p12Password = 'p12 export secret';
convert(['x509', '-in', pki.goodClient.cert, '-outform', 'DER', '-out', derCert]);
convert(['pkey', '-in', pki.goodClient.key, '-outform', 'DER', '-out', derKey]);
convert(['pkcs12', '-export', '-in', pki.goodClient.cert, '-inkey', pki.goodClient.key, '-passout', `pass:${p12Password}`, '-out', p12]);
const base64 = (path: string) => Buffer.from(readFileSync(path, 'utf8')).toString('base64');

/** A plain TCP listener that counts connections: proof that nothing was sent. */
let connections = 0;
const trap = createServer((socket: Socket) => {
  connections += 1;
  socket.destroy();
});
await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
after(() => trap.close());
const trapUrl = `https://127.0.0.1:${(trap.address() as { port: number }).port}/`;

async function expectSuccess(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await runCli(['request', server.url, ...args], { env });
  assert.equal(result.code, 0, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  assert.match(result.stdout, /subject=CN=good client/);
  return result.stdout + result.stderr;
}

describe('mtls request: credential forms', { concurrency: true }, () => {
  it('PEM files', async () => {
    await expectSuccess(['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  });
  it('DER files', async () => {
    await expectSuccess(['--cert', derCert, '--key', derKey, '--cacert', pki.rootCa]);
  });
  it('base64-encoded PEM values', async () => {
    await expectSuccess(['--cert', base64(pki.goodClient.cert), '--key', base64(pki.goodClient.key), '--cacert', base64(pki.rootCa)]);
  });
  it('an encrypted key with its passphrase from a variable (never printed)', async () => {
    const output = await expectSuccess(['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'env:KEY_PASS', '--cacert', pki.rootCa, '-v'], { KEY_PASS: pki.passphrase });
    assert.ok(!output.includes(pki.passphrase));
  });
  it('environment variables MTLS_CERT_PATH, MTLS_KEY_PATH, MTLS_CA_PATH', async () => {
    await expectSuccess([], { MTLS_CERT_PATH: pki.goodClient.cert, MTLS_KEY_PATH: pki.goodClient.key, MTLS_CA_PATH: pki.rootCa });
  });
  it('--env-prefix wins over MTLS_*', async () => {
    await expectSuccess(['--env-prefix', 'API'], {
      MTLS_CERT_PATH: pki.expiredClient.cert,
      MTLS_KEY_PATH: pki.expiredClient.key,
      MTLS_CA_PATH: pki.otherCa,
      API_CERT: pki.goodClient.cert,
      API_KEY: pki.goodClient.key,
      API_CA: pki.rootCa,
    });
  });
  // Last: the PKCS#12 reader is the newest part of the loader.
  it('PKCS#12 made by openssl pkcs12 -export', async () => {
    const output = await expectSuccess(['--cert', p12, '--pass', 'env:P12_PASS', '--cacert', pki.rootCa], { P12_PASS: p12Password });
    assert.ok(!output.includes(p12Password));
  });
});

describe('mtls request: bad local input stops before any traffic (exit 2)', () => {
  const cases: { name: string; args: string[]; env?: Record<string, string>; code: string; secret?: string }[] = [
    { name: 'wrong passphrase (literal)', args: ['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'not-the-passphrase-42'], code: 'MTLS_KEY_WRONG_PASSPHRASE', secret: 'not-the-passphrase-42' },
    { name: 'wrong passphrase (env)', args: ['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'env:KEY_PASS'], env: { KEY_PASS: 'wrong-from-env-77' }, code: 'MTLS_KEY_WRONG_PASSPHRASE', secret: 'wrong-from-env-77' },
    { name: 'missing passphrase', args: ['--cert', pki.goodClient.cert, '--key', pki.encryptedKey], code: 'MTLS_KEY_ENCRYPTED_NO_PASSPHRASE' },
    { name: 'key of another certificate', args: ['--cert', pki.goodClient.cert, '--key', pki.otherCaClient.key], code: 'MTLS_KEY_CERT_MISMATCH' },
  ];
  for (const { name, args, env, code, secret } of cases) {
    it(`${name} → ${code}`, async () => {
      const before = connections;
      const result = await runCli(['request', trapUrl, ...args, '--json'], { env: env ?? {} });
      assert.equal(result.code, 2, result.stderr);
      assert.equal(JSON.parse(result.stdout).error.code, code);
      assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
      if (secret) assert.ok(!(result.stdout + result.stderr).includes(secret), 'the passphrase appears in the output');
      assert.equal(connections, before, 'a connection was made');
    });
  }
});

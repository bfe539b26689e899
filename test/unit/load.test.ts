import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCredential } from '../../src/core/load/index.js';
import { loadCredentials } from '../../src/core/load/identity.js';
import { resolveSecret } from '../../src/core/load/secret.js';
import { MtlsError } from '../../src/core/errors.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const F = join(ROOT, 'fixtures/credentials');
const fixture = (name: string) => join(F, name);
const PASS = { origin: 'env:TEST_PASS', value: 'fixture-pass' };
const WRONG = { origin: 'env:TEST_PASS', value: 'not-the-passphrase' };
const CLIENT_FINGERPRINT = (await loadCredential(fixture('client.pem'))).certificates[0]?.facts.fingerprintSha256;
const CLIENT_KEY = (await loadCredential(fixture('client-key-pkcs8.pem'))).keys[0]?.facts.spkiSha256;

async function expectCode(promise: Promise<unknown>, code: string, secret?: string): Promise<MtlsError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof MtlsError, `expected MtlsError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (secret) {
      assert.ok(!JSON.stringify({ m: error.message, d: error.details, f: error.fixes }).includes(secret), 'secret leaked');
    }
    return error;
  }
  assert.fail(`expected ${code}`);
}

test('the same certificate is read from every form with the same fingerprint', async (t) => {
  const pem = readFileSync(fixture('client.pem'), 'utf8');
  const forms: [string, string, Parameters<typeof loadCredential>[1]][] = [
    ['PEM file', fixture('client.pem'), {}],
    ['DER file', fixture('client.der'), {}],
    ['base64 file', fixture('client.pem.b64'), {}],
    ['base64 value', Buffer.from(pem).toString('base64'), {}],
    ['base64 DER value', readFileSync(fixture('client.der')).toString('base64'), {}],
    ['inline PEM', pem, {}],
    ['stdin', '-', { readStdin: async () => readFileSync(fixture('client.der')) }],
    ['PKCS#12 (AES-256)', fixture('client-modern-aes256.p12'), { passphrase: PASS }],
    ['PKCS#12 legacy (RC2-40 + 3DES)', fixture('client-legacy-rc2-3des.p12'), { passphrase: PASS }],
    ['PKCS#12 empty password', fixture('client-empty-password.p12'), {}],
    ['forced DER', fixture('client.der'), { format: 'DER' }],
    ['bundle (leaf first)', fixture('client-chain-in-order.pem'), {}],
  ];
  for (const [name, value, options] of forms) {
    await t.test(name, async () => {
      const source = await loadCredential(value, { cwd: ROOT, ...options });
      assert.equal(source.certificates[0]?.facts.fingerprintSha256, CLIENT_FINGERPRINT);
    });
  }
});

test('every key encoding is read, and yields the same public key', async (t) => {
  const forms: [string, string, Parameters<typeof loadCredential>[1], string][] = [
    ['PKCS#8 PEM', 'client-key-pkcs8.pem', {}, 'PKCS#8'],
    ['SEC1 PEM', 'client-key-sec1.pem', {}, 'SEC1'],
    ['PKCS#8 DER', 'client-key-pkcs8.der', {}, 'PKCS#8'],
    ['encrypted PKCS#8 PEM', 'client-key-pkcs8-encrypted-aes256.pem', { passphrase: PASS }, 'encrypted PKCS#8'],
    ['encrypted PKCS#8 DER', 'client-key-pkcs8-encrypted.der', { passphrase: PASS }, 'encrypted PKCS#8'],
    ['traditional encrypted SEC1', 'client-key-sec1-traditional-encrypted-aes128.pem', { passphrase: PASS }, 'traditional OpenSSL-encrypted SEC1'],
    ['cert and key in one PEM', 'client-cert-and-key.pem', {}, 'PKCS#8'],
  ];
  for (const [name, file, options, encoding] of forms) {
    await t.test(name, async () => {
      const source = await loadCredential(fixture(file), options);
      assert.equal(source.keys[0]?.encoding, encoding);
      assert.equal(source.keys[0]?.facts.spkiSha256, CLIENT_KEY);
    });
  }
  await t.test('PKCS#1 RSA', async () => {
    const source = await loadCredential(fixture('rsa-2048-key-pkcs1.pem'));
    assert.equal(source.keys[0]?.encoding, 'PKCS#1');
    assert.equal(source.keys[0]?.facts.bits, 2048);
  });
});

test('an encrypted key without a passphrase: an error when required, listed as locked when optional', async () => {
  const error = await expectCode(loadCredential(fixture('client-key-pkcs8-encrypted-aes256.pem')), 'MTLS_KEY_ENCRYPTED_NO_PASSPHRASE');
  assert.match(error.message, /encrypted PKCS#8.*AES-256-CBC/);
  const locked = await loadCredential(fixture('client-key-pkcs8-encrypted-aes256.pem'), { decrypt: 'optional' });
  assert.equal(locked.lockedKeys.length, 1);
  assert.equal(locked.keys.length, 0);
});

test('a wrong passphrase says which kind of encrypted key it is, and never shows the passphrase', async () => {
  const pkcs8 = await expectCode(loadCredential(fixture('client-key-pkcs8-encrypted-aes256.pem'), { passphrase: WRONG }), 'MTLS_KEY_WRONG_PASSPHRASE', WRONG.value);
  assert.match(pkcs8.message, /encrypted PKCS#8/);
  assert.match(pkcs8.message, /env:TEST_PASS/);
  const traditional = await expectCode(loadCredential(fixture('client-key-sec1-traditional-encrypted-aes128.pem'), { passphrase: WRONG }), 'MTLS_KEY_WRONG_PASSPHRASE', WRONG.value);
  assert.match(traditional.message, /traditional OpenSSL-encrypted SEC1.*AES-128-CBC/);
});

test('PKCS#12 with a wrong or missing password', async () => {
  await expectCode(loadCredential(fixture('client-modern-aes256.p12'), { passphrase: WRONG }), 'MTLS_P12_WRONG_PASSWORD', WRONG.value);
  const missing = await expectCode(loadCredential(fixture('client-legacy-rc2-3des.p12')), 'MTLS_P12_NO_PASSWORD');
  assert.match(missing.message, /no password was given/);
});

test('PKCS#12 reports its dialect and who can read it', async () => {
  const legacy = await loadCredential(fixture('client-legacy-rc2-3des.p12'), { passphrase: PASS });
  assert.equal(legacy.pkcs12?.dialect, 'legacy');
  assert.match(legacy.pkcs12?.readableBy ?? '', /legacy/i);
  const modern = await loadCredential(fixture('client-modern-aes256.p12'), { passphrase: PASS });
  assert.equal(modern.pkcs12?.dialect, 'modern');
  assert.equal(modern.keys[0]?.facts.spkiSha256, CLIENT_KEY);
});

test('input failures each have their own code', async () => {
  const dir = tempDir();
  const write = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  };
  const pem = readFileSync(fixture('client.pem'), 'utf8');
  mkdirSync(join(dir, 'folder'));
  await expectCode(loadCredential(join(dir, 'missing.pem')), 'MTLS_FILE_NOT_FOUND');
  await expectCode(loadCredential(join(dir, 'folder')), 'MTLS_INPUT_IS_DIRECTORY');
  await expectCode(loadCredential(write('empty.pem', '')), 'MTLS_INPUT_EMPTY');
  await expectCode(loadCredential(write('text.txt', 'hello world, not a certificate\n')), 'MTLS_NOT_A_CREDENTIAL');
  await expectCode(loadCredential(write('truncated.pem', pem.slice(0, 300))), 'MTLS_PEM_TRUNCATED');
  await expectCode(loadCredential(write('label.pem', pem.replace(/CERTIFICATE/g, 'FOO'))), 'MTLS_PEM_UNKNOWN_LABEL');
  await expectCode(loadCredential(write('cert-as-key.pem', pem.replace(/CERTIFICATE/g, 'PRIVATE KEY'))), 'MTLS_KEY_CORRUPT');
  await expectCode(loadCredential(write('bad-b64.pem', pem.replace(/[A-Za-z]{10}\n/, '!!!!!!!!!!\n'))), 'MTLS_PEM_CORRUPT');
  await expectCode(loadCredential(write('cut.der', readFileSync(fixture('client.der')).subarray(0, 200))), 'MTLS_CERT_CORRUPT');
  await expectCode(loadCredential(fixture('client.pem'), { format: 'P12' }), 'MTLS_P12_CORRUPT');
  await expectCode(loadCredential('-'), 'MTLS_CONFLICTING_INPUTS');
});

test('a value that is neither a file nor clean base64 is described, never quoted (it may be a key)', async () => {
  const quoted = `'${readFileSync(fixture('client-key-pkcs8.pem')).toString('base64')}'`;
  // Usable once the quotes are off: refused with what to remove (never accepted with a guess).
  const error = await expectCode(loadCredential(quoted, { label: '--key' }), 'MTLS_VALUE_WRAPPED');
  assert.match(error.message, /^The \d+-character value from --key has surrounding quotes/);
  assert.ok(!JSON.stringify({ m: error.message, d: error.details }).includes('LS0tLS1'));
  // Not usable even then (too short to be a key): described all the same.
  const cut = await expectCode(loadCredential(`${quoted.slice(0, 41)}'`, { label: '--key' }), 'MTLS_NOT_A_CREDENTIAL');
  assert.match(cut.message, /^The 42-character value from --key \(looks like base64, with surrounding quotes\) is neither/);
  assert.ok(!JSON.stringify({ m: cut.message, d: cut.details }).includes('LS0tLS1'));
});

test('a PEM on one line with literal \\n (a .env file, a CI secret, octokit) is read; inside quotes or NAME= it is still refused', async () => {
  const keyPem = readFileSync(fixture('client-key-pkcs8.pem'), 'utf8');
  const oneLine = keyPem.replace(/\n/g, '\\n');
  const loaded = await loadCredential(oneLine, { label: '--key', secret: true });
  assert.equal(loaded.keys[0]?.facts.spkiSha256, CLIENT_KEY);
  assert.equal(loaded.origin, 'inline PEM (--key)');
  const crlf = await loadCredential(readFileSync(fixture('client.pem'), 'utf8').replace(/\n/g, '\\r\\n'));
  assert.equal(crlf.certificates[0]?.facts.fingerprintSha256, CLIENT_FINGERPRINT);
  for (const wrapped of [`'${oneLine}'`, `MTLS_KEY=${oneLine}`, `${oneLine};`]) {
    const error = await expectCode(loadCredential(wrapped, { label: '--key', secret: true }), 'MTLS_VALUE_WRAPPED');
    assert.doesNotMatch(error.message, /literal \\n/, 'literal \\n is not named as something to remove');
    assert.match(error.fixes.join(' '), /literal \\n may stay/);
  }
});

test('an identity: key checked against the leaf before any use; bundles are reordered leaf first', async () => {
  const loaded = await loadCredentials({
    cert: { value: fixture('client-chain-reversed.pem'), from: '--cert' },
    key: { value: fixture('client-key-pkcs8.pem'), from: '--key' },
  });
  assert.equal(loaded.identity?.certificates[0]?.facts.fingerprintSha256, CLIENT_FINGERPRINT);
  await expectCode(
    loadCredentials({ cert: { value: fixture('client.pem'), from: '--cert' }, key: { value: fixture('server-key-pkcs8.pem'), from: '--key' } }),
    'MTLS_KEY_CERT_MISMATCH',
  );
  const p12 = await loadCredentials({ cert: { value: fixture('client-modern-aes256.p12'), from: '--cert' }, passphrase: PASS });
  assert.equal(p12.identity?.key.facts.spkiSha256, CLIENT_KEY);
  await expectCode(loadCredentials({ cert: { value: fixture('client.pem'), from: '--cert' } }), 'MTLS_WRONG_CONTENT');
});

test('passphrase specs: env, file (first line), stdin, literal', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pass.txt'), 'from-file\nsecond line\n');
  const ctx = { env: { KP: 'from-env' }, cwd: dir, readStdin: async () => Buffer.from('from-stdin\n') };
  assert.equal((await resolveSecret('env:KP', ctx)).value, 'from-env');
  assert.equal((await resolveSecret('file:pass.txt', ctx)).value, 'from-file');
  assert.equal((await resolveSecret('stdin', ctx)).value, 'from-stdin');
  const literal = await resolveSecret('pass:abc', ctx);
  assert.equal(literal.value, 'abc');
  assert.equal(literal.literal, true);
  await expectCode(resolveSecret('env:NOPE', ctx), 'MTLS_PASSPHRASE_SOURCE');
  await expectCode(resolveSecret('file:nope.txt', ctx), 'MTLS_PASSPHRASE_SOURCE');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describeValue, isKeyShaped, safeToQuote, splitCurlPassword, unwrapEnvShape } from '../../src/core/load/quote.js';

test('paths people type are quoted back, in key fields too', () => {
  for (const path of [
    './missing.key',
    'pki/client.crt',
    '/home/runner/work/my-project/my-project/certs/client.pem',
    '/Users/JohnSmith/Projects/MyApp2024/Certificates/Client.pem',
    'C:\\Users\\John\\new\\client.pem',
    'some_really_long_directory_name_for_certificates_and_keys/client.key',
    '/var/lib/kubelet/pods/3f2a1b4c-9d8e-4f7a-b6c5-1234567890ab/volumes/kubernetes.io~secret/tls/tls.key',
    '/run/secrets/MTLS_CLIENT_KEY_2024_PRODUCTION',
    '/mnt/c/Users/JDoe/OneDrive - Contoso/Certs/JDoe2024.p12',
    '~/certs/client.key',
  ]) {
    assert.ok(safeToQuote(path, { secret: true }), path);
  }
  // A bare word may be quoted for a certificate, not where a key (or a misplaced passphrase) goes.
  assert.ok(safeToQuote('client', {}));
  assert.ok(!safeToQuote('hunter2', { secret: true }));
});

test('keys, tokens and .env shapes are never quoted; their description holds none of their characters', () => {
  const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const values = [
    ed25519,
    `"${ed25519}"`,
    `KEY=${ed25519}`,
    `export MTLS_KEY_PATH='${ed25519}';`,
    `${ed25519};`,
    ed25519.slice(0, 40),
    `-----BEGIN PRIVATE KEY-----\\n${ed25519}\\n-----END PRIVATE KEY-----`,
    randomBytes(30).toString('base64'),
    `ghp_${randomBytes(27).toString('base64url')}`,
    'client.p12:s3cret',
    ' ./client.key',
    '"./client.key"',
  ];
  for (const value of values) {
    assert.ok(!safeToQuote(value), value);
    const described = describeValue(value, 'env:MTLS_KEY_PATH');
    assert.match(described, /^the \d+-character value from env:MTLS_KEY_PATH \(looks like [^)]*\)$/);
    for (let i = 0; i + 8 <= value.length; i++) {
      const piece = value.slice(i, i + 8);
      if (/^[A-Za-z0-9+/]{8}$/.test(piece) && !/^(literal|surround|trailing|prefix|leading)/.test(piece)) assert.ok(!described.includes(piece), `${described} holds ${piece}`);
    }
  }
  // Random base64 reads as encoded; a handful of misses is the price of quoting real paths.
  let missed = 0;
  for (let i = 0; i < 2000; i++) if (!isKeyShaped(randomBytes(30 + (i % 40)).toString('base64'))) missed++;
  assert.ok(missed < 40, `${missed} of 2000 random base64 values were not recognised`);
});

test('the .env wrapping is named and taken off: quotes, NAME=, export, ";", literal \\n, whitespace', () => {
  assert.deepEqual(unwrapEnvShape('export APP_KEY="abc";'), { inner: 'abc', wrappers: ['a prefix "export"', 'a prefix "APP_KEY="', 'a trailing ";"', 'surrounding quotes'] });
  assert.deepEqual(unwrapEnvShape('a\\nb'), { inner: 'a\nb', wrappers: ['literal \\n for its line breaks'] });
  assert.deepEqual(unwrapEnvShape(' x\t'), { inner: 'x', wrappers: ['leading or trailing whitespace'] });
  // Base64 padding before a ";" is not an assignment, and a mixed-case name is not a variable.
  assert.deepEqual(unwrapEnvShape('QUJDRGVm=;').wrappers, ['a trailing ";"']);
  assert.deepEqual(unwrapEnvShape('C:\\new\\client.pem').wrappers, []);
});

test("curl's FILE:PASSWORD: the first ':' after a certificate-like file name; Windows drives are not that form", () => {
  const exists = (path: string) => path === 'bundle';
  assert.equal(splitCurlPassword('client.p12:s3cret', exists), 'client.p12');
  assert.equal(splitCurlPassword('client.p12:pa:ss', exists), 'client.p12');
  assert.equal(splitCurlPassword('bundle:pw', exists), 'bundle');
  assert.equal(splitCurlPassword('C:\\certs\\client.pem', exists), null);
  assert.equal(splitCurlPassword('C:\\certs\\client.pem:pw', exists), 'C:\\certs\\client.pem');
  assert.equal(splitCurlPassword('host:443', exists), null);
});

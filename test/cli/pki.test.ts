import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** openssl's verdict as exit status and output, without throwing. */
function openssl(args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

async function mtls(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = await runCli(args, { cwd, env });
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  return result;
}

// One PKI for the whole file: root, a server and a client certificate.
const work = tempDir('mtls-pki-cli-');
const pki = join(work, 'pki');
const setup = (async () => {
  assert.equal((await mtls(['ca', 'init'], work)).code, 0);
  assert.equal((await mtls(['issue', 'server', 'localhost', '--san', '127.0.0.1'], work)).code, 0);
  assert.equal((await mtls(['issue', 'client', 'alice', '--org', 'Example'], work)).code, 0);
})();

test('server certificates verify as sslserver only, client certificates as sslclient only', async () => {
  await setup;
  const ca = join(pki, 'ca.crt');
  assert.ok(openssl(['verify', '-CAfile', ca, '-purpose', 'sslserver', join(pki, 'localhost.crt')]).ok);
  assert.ok(!openssl(['verify', '-CAfile', ca, '-purpose', 'sslclient', join(pki, 'localhost.crt')]).ok);
  assert.ok(openssl(['verify', '-CAfile', ca, '-purpose', 'sslclient', join(pki, 'alice.crt')]).ok);
  assert.ok(!openssl(['verify', '-CAfile', ca, '-purpose', 'sslserver', join(pki, 'alice.crt')]).ok);
  const client = new X509Certificate(readFileSync(join(pki, 'alice.crt')));
  assert.equal(client.subject, 'O=Example\nCN=alice');
  assert.equal(client.subjectAltName, undefined);
  const server = new X509Certificate(readFileSync(join(pki, 'localhost.crt')));
  assert.equal(server.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
  assert.ok(client.verify(new X509Certificate(readFileSync(join(pki, 'ca.crt'))).publicKey));
});

test('a second ca init refuses with exit 2 and leaves the CA byte for byte; keys are 0600', async () => {
  await setup;
  const before = [readFileSync(join(pki, 'ca.crt')), readFileSync(join(pki, 'ca.key'))];
  const again = await mtls(['ca', 'init'], work);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /MTLS_CA_EXISTS/);
  assert.deepEqual([readFileSync(join(pki, 'ca.crt')), readFileSync(join(pki, 'ca.key'))], before);
  for (const key of ['ca.key', 'localhost.key', 'alice.key']) assert.equal(statSync(join(pki, key)).mode & 0o777, 0o600, key);
  assert.equal(statSync(join(pki, 'ca.crt')).mode & 0o777, 0o644);
  const reissue = await mtls(['issue', 'client', 'alice'], work);
  assert.equal(reissue.code, 2);
  assert.match(reissue.stderr, /MTLS_FILE_EXISTS/);
});

test('--not-after in the past makes a certificate openssl calls expired, and says so', async () => {
  await setup;
  const result = await mtls(['issue', 'client', 'expired', '--not-after', '2020-01-01'], work);
  assert.equal(result.code, 0);
  assert.match(result.stderr, /already expired/);
  const check = openssl(['x509', '-in', join(pki, 'expired.crt'), '-noout', '-checkend', '0']);
  assert.ok(!check.ok);
  assert.match(check.output, /will expire/);
});

test('an intermediate signs later leaves; the 3-level chain verifies with the leaf file as -untrusted', async () => {
  const dir = tempDir('mtls-pki-chain-');
  assert.equal((await mtls(['ca', 'init', '--dir', dir], dir)).code, 0);
  assert.equal((await mtls(['ca', 'intermediate', '--dir', dir], dir)).code, 0);
  assert.equal((await mtls(['issue', 'server', 'api.test', '--dir', dir], dir)).code, 0);
  const leafFile = join(dir, 'api.test.crt');
  assert.equal(readFileSync(leafFile, 'utf8').match(/BEGIN CERTIFICATE/g)?.length, 2);
  const verdict = openssl(['verify', '-CAfile', join(dir, 'ca.crt'), '-untrusted', leafFile, '-purpose', 'sslserver', leafFile]);
  assert.ok(verdict.ok, verdict.output);
  const text = execFileSync('openssl', ['x509', '-in', join(dir, 'intermediate.crt'), '-noout', '-ext', 'basicConstraints,keyUsage'], { encoding: 'utf8' });
  assert.match(text, /critical\s+CA:TRUE, pathlen:0/);
  assert.match(text, /Certificate Sign, CRL Sign/);
});

test('every key type yields a certificate openssl parses and verifies', async () => {
  const dir = tempDir('mtls-pki-keys-');
  assert.equal((await mtls(['ca', 'init', '--dir', dir], dir)).code, 0);
  for (const keyType of ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519']) {
    const result = await mtls(['issue', 'server', `${keyType}.test`, '--key-type', keyType, '--dir', dir], dir);
    assert.equal(result.code, 0, result.stderr);
    const cert = join(dir, `${keyType}.test.crt`);
    assert.ok(openssl(['x509', '-in', cert, '-noout', '-text']).ok, keyType);
    const verdict = openssl(['verify', '-CAfile', join(dir, 'ca.crt'), '-purpose', 'sslserver', cert]);
    assert.ok(verdict.ok, `${keyType}: ${verdict.output}`);
    if (keyType === 'ed25519') assert.match(result.stderr, /Ed25519 server certificates/);
    if (keyType.startsWith('rsa')) assert.match(execFileSync('openssl', ['x509', '-in', cert, '-noout', '-ext', 'keyUsage'], { encoding: 'utf8' }), /Key Encipherment/);
  }
});

test('csr + sign: the CSR signature is checked, CA:TRUE requested is never granted, emails are dropped for servers', async () => {
  await setup;
  const dir = tempDir('mtls-pki-csr-');
  const made = await mtls(['csr', 'svc', '--san', 'svc.internal', '--dir', dir], dir);
  assert.equal(made.code, 0);
  assert.ok(openssl(['req', '-in', join(dir, 'svc.csr'), '-noout', '-verify']).ok);
  const signed = await mtls(['sign', join(dir, 'svc.csr'), '--server', '--dir', pki], dir);
  assert.equal(signed.code, 0, signed.stderr);
  assert.equal(new X509Certificate(readFileSync(join(dir, 'svc.crt'))).subjectAltName, 'DNS:svc.internal');

  // A request made by openssl that asks to be a CA, with an email SAN.
  const key = join(dir, 'greedy.key');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=greedy.test', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'subjectAltName=DNS:greedy.test,email:x@greedy.test', '-out', join(dir, 'greedy.csr')]);
  const greedy = await mtls(['sign', join(dir, 'greedy.csr'), '--server', '--dir', pki, '--json'], dir);
  assert.equal(greedy.code, 0, greedy.stderr);
  assert.match(greedy.stderr, /basicConstraints \(CA:TRUE\).*ignored/);
  const doc = JSON.parse(greedy.stdout) as { files: { path: string }[]; certificate: { subjectAltNames: string[] } };
  assert.deepEqual(doc.certificate.subjectAltNames, ['DNS:greedy.test']);
  const cert = new X509Certificate(readFileSync(join(dir, 'greedy.crt')));
  assert.equal(cert.ca, false);

  // A tampered request is refused before anything is signed.
  const der = execFileSync('openssl', ['req', '-in', join(dir, 'greedy.csr'), '-outform', 'DER']);
  der[der.length - 5] ^= 0xff;
  writeFileSync(join(dir, 'tampered.csr'), der);
  const tampered = await mtls(['sign', join(dir, 'tampered.csr'), '--client', '--dir', pki], dir);
  assert.equal(tampered.code, 2);
  assert.match(tampered.stderr, /MTLS_CSR_SIGNATURE_INVALID|MTLS_CSR_CORRUPT/);
  assert.ok(!existsSync(join(dir, 'tampered.crt')));
});

test('renew keeps the old pair, reissues with the same subject and names, and a new key unless --reuse-key', async () => {
  await setup;
  const oldCert = readFileSync(join(pki, 'localhost.crt'));
  const oldKey = readFileSync(join(pki, 'localhost.key'));
  const result = await mtls(['renew', 'pki/localhost.crt', '--json'], work);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as { files: { path: string; kind: string }[] };
  const previous = doc.files.filter((f) => f.kind.startsWith('previous'));
  assert.equal(previous.length, 2);
  assert.deepEqual(readFileSync(previous.find((f) => f.kind === 'previous certificate')?.path ?? ''), oldCert);
  assert.deepEqual(readFileSync(previous.find((f) => f.kind === 'previous private key')?.path ?? ''), oldKey);
  const fresh = new X509Certificate(readFileSync(join(pki, 'localhost.crt')));
  const before = new X509Certificate(oldCert);
  assert.equal(fresh.subject, before.subject);
  assert.equal(fresh.subjectAltName, before.subjectAltName);
  assert.notEqual(fresh.serialNumber, before.serialNumber);
  assert.notDeepEqual(readFileSync(join(pki, 'localhost.key')), oldKey);
  assert.ok(openssl(['verify', '-CAfile', join(pki, 'ca.crt'), '-purpose', 'sslserver', join(pki, 'localhost.crt')]).ok);

  const reused = await mtls(['renew', 'pki/alice.crt', '--reuse-key'], work);
  assert.equal(reused.code, 0, reused.stderr);
  assert.match(reused.stdout, /previous certificate/);
  assert.doesNotMatch(reused.stdout, /previous private key/);
});

test('an encrypted CA key needs its passphrase on every signing command', async () => {
  const dir = tempDir('mtls-pki-enc-');
  const env = { CA_PASS: 'correct horse' };
  assert.equal((await mtls(['ca', 'init', '--dir', dir, '--encrypt-key', '--pass', 'env:CA_PASS'], dir, env)).code, 0);
  assert.match(readFileSync(join(dir, 'ca.key'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  assert.ok(openssl(['pkey', '-in', join(dir, 'ca.key'), '-passin', 'pass:correct horse', '-noout']).ok);
  const locked = await mtls(['issue', 'client', 'bob', '--dir', dir], dir);
  assert.equal(locked.code, 2);
  assert.match(locked.stderr, /MTLS_KEY_ENCRYPTED_NO_PASSPHRASE/);
  const wrong = await mtls(['issue', 'client', 'bob', '--dir', dir], dir, { MTLS_KEY_PASSPHRASE: 'bad-guess-42' });
  assert.equal(wrong.code, 2);
  assert.match(wrong.stderr, /MTLS_KEY_WRONG_PASSPHRASE/);
  assert.doesNotMatch(wrong.stderr + wrong.stdout, /bad-guess-42/);
  const ok = await mtls(['issue', 'client', 'bob', '--dir', dir, '--pass', 'env:CA_PASS'], dir, env);
  assert.equal(ok.code, 0, ok.stderr);
});

test('a missing CA is a diagnosis naming `mtls ca init --dir …`; bad SANs and dates are exit 2', async () => {
  const dir = tempDir('mtls-pki-none-');
  const missing = await mtls(['issue', 'server', 'x.test', '--dir', 'nowhere'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /MTLS_CA_NOT_FOUND/);
  assert.match(missing.stderr, /mtls ca init --dir/);
  await setup;
  assert.equal((await mtls(['issue', 'server', 'x.test', '--san', 'IP:300.1.1.1'], work)).code, 2);
  assert.equal((await mtls(['issue', 'server', 'x.test', '--not-after', 'next tuesday'], work)).code, 2);
  assert.equal((await mtls(['issue', 'server', '../escape'], work)).code, 2);
});

test('p12 export: AES-256 by default, 3DES with --legacy, a password always asked for', async () => {
  await setup;
  const out = join(work, 'alice.p12');
  const env = { P12_PASS: 's3cret' };
  const refused = await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', out], work);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /MTLS_P12_PASSWORD_REQUIRED/);
  const made = await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--cacert', 'pki/ca.crt', '--out', out, '--pass', 'env:P12_PASS'], work, env);
  assert.equal(made.code, 0, made.stderr);
  assert.equal(statSync(out).mode & 0o777, 0o600);
  const info = openssl(['pkcs12', '-in', out, '-passin', 'pass:s3cret', '-info', '-noout']);
  assert.ok(info.ok, info.output);
  assert.match(info.output, /AES-256-CBC/);
  assert.match(info.output, /MAC: sha256/);
  const legacy = join(work, 'alice-legacy.p12');
  assert.equal((await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', legacy, '--pass', 'env:P12_PASS', '--legacy'], work, env)).code, 0);
  const legacyInfo = openssl(['pkcs12', '-in', legacy, '-passin', 'pass:s3cret', '-info', '-noout']);
  assert.match(legacyInfo.output, /TripleDES/);
  assert.match(legacyInfo.output, /MAC: sha1/);
});

test('a file where a folder should be, or a folder where a file should be: exit 2, nothing half-written', async () => {
  await setup;
  writeFileSync(join(work, 'a-file'), 'not a folder');
  const dirIsFile = await mtls(['ca', 'init', '--dir', 'a-file'], work);
  assert.equal(dirIsFile.code, 2);
  assert.match(dirIsFile.stderr, /MTLS_WRITE_FAILED/);

  // The certificate's place is taken by a folder: the key must not be written alone either.
  execFileSync('mkdir', [join(pki, 'bob.crt')]);
  const folderInTheWay = await mtls(['issue', 'client', 'bob', '--force'], work);
  assert.equal(folderInTheWay.code, 2);
  assert.match(folderInTheWay.stderr, /MTLS_WRITE_FAILED/);
  assert.ok(!existsSync(join(pki, 'bob.key')), 'no key without its certificate');
  assert.deepEqual(execFileSync('ls', ['-a', pki], { encoding: 'utf8' }).split('\n').filter((f) => f.endsWith('.tmp')), []);
});

test('two CAs made on one machine never share a name', async () => {
  const other = tempDir('mtls-pki-cli-other-');
  assert.equal((await mtls(['ca', 'init', '--dir', 'second'], other)).code, 0);
  const first = new X509Certificate(readFileSync(join(pki, 'ca.crt'))).subject;
  const second = new X509Certificate(readFileSync(join(other, 'second', 'ca.crt'))).subject;
  assert.notEqual(first, second);
});

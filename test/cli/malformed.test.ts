import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { runInProcess } from '../helpers/in-process.js';
import { runCli, ROOT, STACK_TRACE } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { flipBit as flipOneBit, seededRandom } from '../helpers/mutate.js';

/**
 * A corpus of damaged and wrong inputs. Each must end in exit 2 with one diagnosis (or, where
 * the damage leaves a parseable certificate, a correct reading with exit 0), never a stack
 * trace, never the passphrase.
 */
const dir = tempDir();
const F = join(ROOT, 'fixtures/credentials');
const SECRET = 'corpus-secret-Zq7';
const certDer = readFileSync(join(F, 'client.der'));
const certPem = readFileSync(join(F, 'client.pem'), 'utf8');
const keyPem = readFileSync(join(F, 'client-key-pkcs8.pem'), 'utf8');
const encryptedKey = readFileSync(join(F, 'client-key-pkcs8-encrypted-aes256.pem'), 'utf8');
const p12 = readFileSync(join(F, 'client-modern-aes256.p12'));
const legacyP12 = readFileSync(join(F, 'client-legacy-rc2-3des.p12'));

// A deterministic generator, so a failure can be replayed (test/hardening/fuzz-* go much wider).
const { next: random, int } = seededRandom(42);
const flipBit = (bytes: Buffer, at: number) => flipOneBit(bytes, at, int(8));

const corpus: { name: string; data?: string | Buffer; path?: string; args?: string[] }[] = [];
const add = (name: string, data: string | Buffer, args: string[] = []) => corpus.push({ name, data, args });

for (const size of [1, 2, 16, 100, 1000, 4096]) add(`random-${size}-bytes`, randomBytes(size));
add('random-5MB', randomBytes(5 * 1024 * 1024));
add('5MB-of-A (valid base64 alphabet, decodes to zeros)', 'A'.repeat(5 * 1024 * 1024));
for (const cut of [1, 2, 4, 10, 50, 100, 200, 300, certDer.length - 1]) add(`der-truncated-to-${cut}`, certDer.subarray(0, cut));
for (let i = 0; i < 12; i++) {
  const at = Math.floor(random() * certDer.length);
  add(`der-bit-flip-at-${at}`, flipBit(certDer, at));
}
for (const fraction of [0.1, 0.3, 0.5, 0.9, 0.99]) add(`pem-truncated-${fraction}`, certPem.slice(0, Math.floor(certPem.length * fraction)));
const bodyStart = certPem.indexOf('\n') + 1;
for (let i = 0; i < 6; i++) {
  const at = bodyStart + Math.floor(random() * (certPem.length - bodyStart - 30));
  add(`pem-char-changed-at-${at}`, certPem.slice(0, at) + (certPem[at] === 'A' ? 'B' : 'A') + certPem.slice(at + 1));
}
add('pem-wrong-label-foo', certPem.replace(/CERTIFICATE/g, 'FOO'));
add('pem-cert-labelled-as-key', certPem.replace(/CERTIFICATE/g, 'PRIVATE KEY'));
add('pem-key-labelled-as-cert', keyPem.replace(/PRIVATE KEY/g, 'CERTIFICATE'));
add('pem-mismatched-end-label', certPem.replace('END CERTIFICATE', 'END PRIVATE KEY'));
add('pem-begin-only', '-----BEGIN CERTIFICATE-----\n');
add('pem-empty-body', '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n');
add('pem-invalid-base64', '-----BEGIN CERTIFICATE-----\n!!!!****\n-----END CERTIFICATE-----\n');
add('pem-public-key-only', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n');
add('empty-file', '');
add('whitespace-only', ' \n\t\n');
add('plain-text', 'this is not a certificate\n');
add('json', '{"certificate": "nope"}\n');
add('html', '<html><body>404</body></html>\n');
add('base64-of-garbage', randomBytes(300).toString('base64'));
add('der-zero-length-sequence', Buffer.from([0x30, 0x00]));
add('der-huge-length', Buffer.from([0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x01]));
add('der-indefinite-length', Buffer.from([0x30, 0x80, 0x00, 0x00]));
add('utf16-text', Buffer.from('\ufeffhello', 'utf16le'));
for (const cut of [10, 100, 500, p12.length - 10]) add(`p12-truncated-to-${cut}`, p12.subarray(0, cut), ['--pass', `env:CORPUS_PASS`]);
for (let i = 0; i < 4; i++) {
  const at = 40 + Math.floor(random() * (p12.length - 80));
  add(`p12-bit-flip-at-${at}`, flipBit(p12, at), ['--pass', 'env:CORPUS_PASS']);
}
add('p12-wrong-password', p12, ['--pass', 'env:CORPUS_PASS']);
add('legacy-p12-wrong-password', legacyP12, ['--pass', 'env:CORPUS_PASS']);
add('encrypted-key-wrong-passphrase', encryptedKey, ['--pass', 'env:CORPUS_PASS']);
add('cert-forced-as-p12', certPem, ['--cert-type', 'P12']);
add('der-forced-as-pem', certDer, ['--cert-type', 'PEM']);
mkdirSync(join(dir, 'a-directory'));
corpus.push({ name: 'a-directory', path: join(dir, 'a-directory') });
corpus.push({ name: 'missing-file', path: join(dir, 'does-not-exist.pem') });
corpus.push({ name: 'dev-null', path: '/dev/null' });

test(`the malformed corpus (${corpus.length} inputs): exit 2 with one diagnosis, or a correct reading; no stack, no secret`, async (t) => {
  assert.ok(corpus.length >= 50, `corpus has ${corpus.length} inputs`);
  for (const entry of corpus) {
    await t.test(entry.name, async () => {
      const path = entry.path ?? join(dir, entry.name.replace(/[^a-z0-9.-]+/gi, '_'));
      if (entry.data !== undefined) writeFileSync(path, entry.data);
      const result = await runInProcess(['inspect', path, ...(entry.args ?? [])], { env: { CORPUS_PASS: SECRET } });
      const all = result.stdout + result.stderr;
      assert.doesNotMatch(all, STACK_TRACE);
      assert.ok(!all.includes(SECRET), 'the passphrase appears in the output');
      assert.doesNotMatch(all, /internal error/);
      if (result.code === 0) {
        // The damage left something parseable: it must be read as what it is.
        assert.match(result.stdout, /certificate|private key|CSR/);
      } else {
        assert.equal(result.code, 2, `exit ${result.code}: ${result.stderr}`);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr.match(/^error MTLS_[A-Z0-9_]+:/gm)?.length, 1, result.stderr);
      }
    });
  }
});

test('as a real process too: a damaged file gives exit 2, one message, no stack trace', async () => {
  const path = join(dir, 'process-truncated.der');
  writeFileSync(path, certDer.subarray(0, 100));
  const result = await runCli(['inspect', path]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^error MTLS_CERT_CORRUPT/m);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
  assert.equal(result.stdout, '');
});

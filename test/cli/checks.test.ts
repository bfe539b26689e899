/** `mtls match`, `chain build`, `chain verify` and `expiry` as a user runs them: output and exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, runCli, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { buildChainCorpus } from '../unit/chain-corpus.js';

const dir = tempDir('mtls-checks-');
const corpus = await buildChainCorpus(dir, new Date());
const byName = (name: string) => corpus.find((k) => k.name === name)!;
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

// A short-lived self-signed pair, its PKCS#12, and a second pair in its own folder.
const pki = join(dir, 'pki');
mkdirSync(pki);
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'pki/short.key', '-out', 'pki/short.crt', '-subj', '/CN=short-lived', '-days', '30');
openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'pki/other.key', '-out', 'pki/other.crt', '-subj', '/CN=other', '-days', '3650');
openssl('pkcs12', '-export', '-in', 'pki/short.crt', '-inkey', 'pki/short.key', '-out', 'pki/short.p12', '-passout', 'pass:p12-secret');
writeFileSync(join(pki, 'notes.txt'), 'not a certificate\n');

test('expiry: a folder holding an expired certificate exits 1 and lists it first', async () => {
  const folder = join(dir, 'with-expired');
  mkdirSync(folder);
  copyFileSync(byName('expired-leaf').leaf, join(folder, 'expired.pem'));
  copyFileSync(byName('server-valid').leaf, join(folder, 'server.pem'));
  copyFileSync(join(pki, 'short.key'), join(folder, 'short.key'));
  writeFileSync(join(folder, 'README'), 'keys and notes are passed over\n');
  const result = await runCli(['expiry', folder]);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const rows = result.stdout.split('\n').filter((l) => /^(expired|ok|warn|fail)/.test(l));
  assert.match(rows[0] ?? '', /^expired .*expired\.test/);
  assert.match(result.stdout, /2 files without certificates passed over/);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
});

test('expiry: a target that holds no certificate at all exits 2 instead of passing an empty check', async () => {
  for (const target of ['/dev/null', join(pki, 'notes.txt')]) {
    const result = await runCli(['expiry', target]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /MTLS_EXPIRY_NO_CERTIFICATES/);
    // /dev/null is a device: listed as skipped without being read (a device may be /dev/zero).
    assert.match(result.stderr, target === '/dev/null' ? /character device, not a file; not read/ : /holds no certificate/);
    assert.doesNotMatch(result.stdout, /✔ ok/);
  }
  const empty = join(dir, 'empty-folder');
  mkdirSync(empty);
  const json = await runCli(['expiry', empty, '--json']);
  assert.equal(json.code, 2);
  assert.equal((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'MTLS_EXPIRY_NO_CERTIFICATES');
  const mixed = await runCli(['expiry', '/dev/null', join(pki, 'short.crt')]);
  assert.equal(mixed.code, 0, 'a named file without certificates beside real ones is reported, not fatal');
  assert.match(mixed.stdout, /skipped \/dev\/null: a character device, not a file; not read/);
});

/** The CLI as an unprivileged user: root reads any file, so an unreadable file needs another uid. */
function runCliAsNobody(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { uid: 65534, gid: 65534, cwd: '/' }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('expiry: an unreadable file inside a folder is listed as skipped with its error code, not passed over', async () => {
  const folder = join(dir, 'with-unreadable');
  mkdirSync(folder);
  copyFileSync(byName('server-valid').leaf, join(folder, 'readable.pem'));
  copyFileSync(byName('expired-leaf').leaf, join(folder, 'locked.pem'));
  chmodSync(join(folder, 'locked.pem'), 0o000);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const d of [dir, folder]) chmodSync(d, 0o755);
  const result = asRoot ? await runCliAsNobody(['expiry', folder]) : await runCli(['expiry', folder]);
  assert.match(result.stdout, /skipped .*locked\.pem: cannot be read \(EACCES\)/, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout, /without certificates passed over/);
});

test('expiry: --fail 1000d fails a certificate that expires sooner; defaults pass it', async () => {
  const short = join(pki, 'short.crt');
  assert.equal((await runCli(['expiry', short])).code, 0);
  const failing = await runCli(['expiry', short, '--fail', '1000d']);
  assert.equal(failing.code, 1);
  assert.match(failing.stdout, /^fail .*short-lived/m);
  assert.match(failing.stdout, /within --fail 1000d/);
});

test('expiry --json: one document with every certificate of a bundle, roots and intermediates included', async () => {
  const result = await runCli(['expiry', byName('bundled-intermediate').leaf, join(dir, 'root.pem'), '--json', '--warn', '80%']);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as { kind: string; rows: { name: string; role: string }[]; ok: boolean };
  assert.equal(doc.kind, 'expiry');
  assert.deepEqual(doc.rows.map((r) => r.role).sort(), ['intermediate', 'leaf', 'root']);
});

test('expiry: an encrypted PKCS#12 without --pass is skipped with the reason; with it, it is read', async () => {
  const p12 = join(pki, 'short.p12');
  const without = await runCli(['expiry', p12, join(pki, 'other.crt')]);
  assert.match(without.stdout, /skipped .*short\.p12: password-protected PKCS#12 and no --pass given/);
  const alone = await runCli(['expiry', p12]);
  assert.equal(alone.code, 2, 'nothing else to check: the gate cannot pass');
  assert.match(alone.stderr, /short\.p12 \(password-protected PKCS#12 and no --pass given\)/);
  const withPass = await runCli(['expiry', p12, '--pass', 'env:P12_PASS'], { env: { P12_PASS: 'p12-secret' } });
  assert.equal(withPass.code, 0, withPass.stderr);
  assert.match(withPass.stdout, /short-lived/);
  assert.doesNotMatch(withPass.stdout + withPass.stderr, /p12-secret/);
});

test('expiry: an invalid threshold is a usage error (exit 2)', async () => {
  const result = await runCli(['expiry', pki, '--warn', 'soon']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /--warn 'soon' is not valid/);
});

test('chain verify: a valid server chain exits 0; without its intermediate exits 1 naming it', async () => {
  const k = byName('server-valid');
  const ok = await runCli(['chain', 'verify', k.leaf, '--cacert', k.cacert, '--untrusted', k.untrusted!, '--purpose', 'server', '--host', 'server.test']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.match(ok.stdout, /✔ valid/);
  const missing = await runCli(['chain', 'verify', k.leaf, '--cacert', k.cacert, '--purpose', 'server']);
  assert.equal(missing.code, 1);
  assert.match(missing.stdout, /The server certificate 'server\.test' lacks its issuer 'Corpus Intermediate'.*mtls chain build/);
});

test('chain verify: intermediates after the leaf in its file are used; --json is one document', async () => {
  const result = await runCli(['chain', 'verify', byName('bundled-intermediate').leaf, '--cacert', join(dir, 'root.pem'), '--json']);
  assert.equal(result.code, 0, result.stdout);
  const doc = JSON.parse(result.stdout) as { valid: boolean; path: { from: string }[] };
  assert.equal(doc.valid, true);
  assert.deepEqual(doc.path.map((l) => l.from), ['certificate', 'certificate file', 'trust anchors']);
});

test('chain verify: a name outside a CA\'s nameConstraints is refused, and the Checked line says constraints were applied', async () => {
  const k = byName('name-constraints-dns-not-permitted');
  const result = await runCli(['chain', 'verify', k.leaf, '--cacert', k.cacert, '--untrusted', k.untrusted!, '--purpose', 'server', '--host', 'evil.org']);
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stdout, /✘ invalid .*'Example Only CA' may not vouch for the name evil\.org.*outside its permitted subtrees DNS:example\.com/);
  assert.match(result.stdout, /MTLS_CHAIN_NAME_CONSTRAINTS/);
  assert.match(result.stdout, /Checked: .*name constraints/);
});

test('chain verify: without --cacert the system trust store is used, and said', async () => {
  const result = await runCli(['chain', 'verify', byName('server-valid').leaf]);
  assert.equal(result.code, 1);
  assert.match(result.stdout, /system trust store/);
});

test('chain build: orders leaf → intermediates from a folder, leaves the root out, flags extras', async () => {
  const k = byName('three-level');
  const shuffled = join(dir, 'shuffled.pem');
  writeFileSync(shuffled, readFileSync(k.untrusted!, 'utf8') + readFileSync(k.leaf, 'utf8') + readFileSync(join(dir, 'other-root.pem'), 'utf8'));
  const result = await runCli(['chain', 'build', shuffled, '--from', join(dir, 'root.pem')]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.match(/BEGIN CERTIFICATE/g)?.length, 3);
  assert.match(result.stderr, /root 'Corpus Root' left out/);
  assert.match(result.stderr, /extra: 'Other Root'/);
  const withRoot = await runCli(['chain', 'build', shuffled, '--from', join(dir, 'root.pem'), '--include-root']);
  assert.equal(withRoot.stdout.match(/BEGIN CERTIFICATE/g)?.length, 4);
  const incomplete = await runCli(['chain', 'build', k.leaf]);
  assert.equal(incomplete.code, 1);
  assert.equal(incomplete.stdout, '');
  assert.match(incomplete.stderr, /No issuer 'Corpus Sub Intermediate'/);
});

test('match: a pair that belongs together exits 0; a wrong key exits 1 and names the certificate it belongs to', async () => {
  const ok = await runCli(['match', join(pki, 'short.crt'), join(pki, 'short.key')]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  const wrong = await runCli(['match', join(pki, 'short.crt'), join(pki, 'other.key')]);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stdout, /does not belong to 'short-lived'/);
  assert.match(wrong.stdout, /The key belongs to 'other'/);
  assert.match(wrong.stdout, /SPKI SHA-256 [0-9A-F:]{95}/);
});

test('chain build --from DIR labels each certificate found with its file', async () => {
  const k = byName('three-level');
  const folder = join(dir, 'intermediates');
  mkdirSync(folder);
  const [int, int2] = readFileSync(k.untrusted!, 'utf8').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!;
  writeFileSync(join(folder, 'int.pem'), int!);
  writeFileSync(join(folder, 'sub.pem'), int2!);
  copyFileSync(join(dir, 'root.pem'), join(folder, 'root.pem'));
  const result = await runCli(['chain', 'build', k.leaf, '--from', folder, '--json']);
  assert.equal(result.code, 0, result.stdout);
  const doc = JSON.parse(result.stdout) as { path: { name: string; from: string }[] };
  assert.deepEqual(doc.path.map((l) => l.from), [k.leaf, join(folder, 'sub.pem'), join(folder, 'int.pem')]);
  const human = await runCli(['chain', 'build', k.leaf, '--from', folder]);
  assert.match(human.stderr, /Corpus Sub Intermediate intermediate, until \S+, from .*intermediates\/sub\.pem/);
  assert.doesNotMatch(human.stderr, /from untrusted/);
});

test('match: KEY CERT swapped says once which argument comes first (exit 2)', async () => {
  const result = await runCli(['match', join(pki, 'short.key'), join(pki, 'short.crt')]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /the first argument must be the certificate/);
  // One fix, with the real paths the right way round.
  assert.equal(result.stderr.match(/Put the certificate first/g)?.length, 1, result.stderr);
  assert.ok(result.stderr.includes(`mtls match ${join(pki, 'short.crt')} ${join(pki, 'short.key')}`), result.stderr);
});

test('match: a PKCS#12 file alone is checked for internal consistency', async () => {
  const result = await runCli(['match', join(pki, 'short.p12'), '--pass', 'env:P12_PASS', '--json'], { env: { P12_PASS: 'p12-secret' } });
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout) as { matches: boolean; pkcs12: boolean };
  assert.deepEqual([doc.matches, doc.pkcs12], [true, true]);
});

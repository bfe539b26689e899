/** `mtls doctor` on local setups, as a user runs it: the first failing check, exit codes, --ci, --json, --junit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
const dir = pki.dir;

// A client issued by the intermediate, given without it: the chain lacks its intermediate.
execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'via-int.key', '-out', 'via-int.csr', '-subj', '/O=mtls tests/CN=client via intermediate'], { cwd: dir, stdio: 'pipe' });
writeFileSync(join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
execFileSync('openssl', ['x509', '-req', '-in', 'via-int.csr', '-CA', 'intermediate.crt', '-CAkey', 'intermediate.key', '-CAcreateserial', '-days', '36500', '-extfile', 'client.ext', '-out', 'via-int.crt'], { cwd: dir, stdio: 'pipe' });
const viaIntermediate = { cert: join(dir, 'via-int.crt'), key: join(dir, 'via-int.key') };

interface Check {
  id: string;
  status: string;
  code?: string;
  fix?: string;
  file?: string;
}
interface Doc {
  kind: string;
  ok: boolean;
  checks: Check[];
  fixFirst: Check | null;
}

async function doctorJson(args: string[], env: Record<string, string> = {}): Promise<{ code: number; doc: Doc; stderr: string }> {
  const result = await runCli(['doctor', ...args, '--json'], { env });
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  return { code: result.code, doc: JSON.parse(result.stdout) as Doc, stderr: result.stderr };
}

const firstFailure = (doc: Doc) => doc.checks.find((c) => c.status === 'fail');

test('a good client setup passes every check and exits 0', async () => {
  const result = await runCli(['doctor', '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /PASS {2}Chain to a trusted CA: 'good client' → 'mtls test root CA'/);
  assert.match(result.stdout, /^OK 0 failed, 0 warnings, \d+ passed\.$/m);
});

const failing: [string, () => string[], string, string][] = [
  ['a key that belongs to another certificate', () => ['--cert', pki.goodClient.cert, '--key', pki.otherCaClient.key, '--cacert', pki.rootCa], 'key-match', 'MTLS_MATCH_MISMATCH'],
  ['an expired certificate', () => ['--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa], 'validity', 'MTLS_CERT_EXPIRED'],
  ['a serverAuth-only certificate used as a client', () => ['--cert', pki.serverAuthOnlyClient.cert, '--key', pki.serverAuthOnlyClient.key, '--cacert', pki.rootCa], 'usage', 'MTLS_CHAIN_WRONG_PURPOSE'],
  ['a chain that lacks its intermediate', () => ['--cert', viaIntermediate.cert, '--key', viaIntermediate.key, '--cacert', pki.rootCa], 'chain', 'MTLS_CHAIN_ISSUER_MISSING'],
];

for (const [name, args, id, code] of failing) {
  test(`${name}: exit 1, and the first failing check is ${id} (${code})`, async () => {
    const { code: exit, doc } = await doctorJson(args());
    assert.equal(exit, 1);
    assert.equal(doc.ok, false);
    assert.equal(firstFailure(doc)?.id, id, JSON.stringify(doc.checks, null, 1));
    assert.equal(firstFailure(doc)?.code, code);
    assert.equal(doc.fixFirst?.id, id);
    assert.ok(doc.fixFirst?.fix, 'the failure comes with a fix');
  });
}

test('the human checklist puts the same finding first and ends with what to fix first', async () => {
  const result = await runCli(['doctor', '--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa]);
  assert.equal(result.code, 1);
  const firstFail = result.stdout.split('\n').find((l) => l.includes('FAIL'));
  assert.match(firstFail ?? '', /Validity: 'expired client' expired on/);
  assert.match(result.stdout, /^NOT OK 1 failed.*Fix first: Validity: Renew it/m);
});

test('the intermediate sent along completes the chain', async () => {
  const bundle = join(dir, 'via-int-chain.crt');
  writeFileSync(bundle, readFileSync(viaIntermediate.cert, 'utf8') + readFileSync(pki.intermediate, 'utf8'));
  const { code, doc } = await doctorJson(['--cert', bundle, '--key', viaIntermediate.key, '--cacert', pki.rootCa]);
  assert.equal(code, 0, JSON.stringify(firstFailure(doc)));
});

test('a world-readable key is a warning with chmod 600; --strict turns it into exit 1', async () => {
  const key = join(dir, 'readable.key');
  copyFileSync(pki.goodClient.key, key);
  chmodSync(key, 0o644);
  const args = ['--cert', pki.goodClient.cert, '--key', key, '--cacert', pki.rootCa];
  const { code, doc } = await doctorJson(args);
  assert.equal(code, 0);
  const permissions = doc.checks.find((c) => c.id === 'key-permissions');
  assert.equal(permissions?.status, 'warn');
  assert.equal(permissions?.code, 'MTLS_KEY_FILE_PERMISSIONS');
  assert.equal(permissions?.fix, `\`chmod 600 ${key}\``);
  assert.equal((await doctorJson([...args, '--strict'])).code, 1);
});

test('a wrong passphrase fails the passphrase check, naming where it came from, never the value', async () => {
  const { code, doc } = await doctorJson(['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'env:KEY_PASS', '--cacert', pki.rootCa], { KEY_PASS: 'not the passphrase' });
  assert.equal(code, 1);
  assert.equal(firstFailure(doc)?.id, 'passphrase');
  assert.doesNotMatch(JSON.stringify(doc), /not the passphrase|correct horse/);
  const good = await doctorJson(['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'env:KEY_PASS', '--cacert', pki.rootCa], { KEY_PASS: pki.passphrase });
  assert.equal(good.code, 0);
});

test('a missing file is a failing check naming the file, not a crash', async () => {
  const { code, doc } = await doctorJson(['--cert', join(dir, 'nope.crt'), '--key', pki.goodClient.key]);
  assert.equal(code, 1);
  assert.equal(firstFailure(doc)?.id, 'file.cert');
  assert.equal(firstFailure(doc)?.code, 'MTLS_FILE_NOT_FOUND');
});

test('--role server: a server certificate passes; a client certificate fails on usage', async () => {
  assert.equal((await doctorJson(['--role', 'server', '--cert', pki.server.cert, '--key', pki.server.key, '--cacert', pki.rootCa])).code, 0);
  const { doc } = await doctorJson(['--role', 'server', '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(firstFailure(doc)?.id, 'usage');
  assert.equal(doc.checks.find((c) => c.id === 'names')?.code, 'MTLS_CERT_NO_SAN');
});

test('--fail-within longer than the remaining life fails validity', async () => {
  const { code, doc } = await doctorJson(['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa, '--fail-within', '200y']);
  assert.equal(code, 1);
  assert.equal(firstFailure(doc)?.code, 'MTLS_CERT_EXPIRES_SOON');
});

test('--ci --json prints one JSON document and no ANSI codes, even with FORCE_COLOR=1', async () => {
  const result = await runCli(['doctor', '--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa, '--ci', '--json'], { env: { FORCE_COLOR: '1' } });
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.stdout + result.stderr, /\u001b\[/);
  const doc = JSON.parse(result.stdout) as Doc & { schemaVersion: number };
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.kind, 'doctor');
  const human = await runCli(['doctor', '--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa, '--ci'], { env: { FORCE_COLOR: '1' } });
  assert.doesNotMatch(human.stdout + human.stderr, /\u001b\[/);
});

test('with GITHUB_ACTIONS=true and --ci, a failing check prints an ::error annotation naming the file', async () => {
  const args = ['doctor', '--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa, '--ci'];
  const human = await runCli(args, { env: { GITHUB_ACTIONS: 'true' } });
  assert.match(human.stdout, new RegExp(`^::error file=${pki.expiredClient.cert.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},title=MTLS_CERT_EXPIRED::Validity: `, 'm'));
  const json = await runCli([...args, '--json'], { env: { GITHUB_ACTIONS: 'true' } });
  JSON.parse(json.stdout);
  assert.match(json.stderr, /^::error .*title=MTLS_CERT_EXPIRED::/m);
  const outsideActions = await runCli(args);
  assert.doesNotMatch(outsideActions.stdout + outsideActions.stderr, /^::error/m);
});

test('--junit writes one testcase per check, with a failure element for each failing one', async () => {
  const report = join(dir, 'doctor.xml');
  const result = await runCli(['doctor', '--cert', pki.goodClient.cert, '--key', pki.otherCaClient.key, '--cacert', pki.rootCa, '--ci', '--junit', report]);
  assert.equal(result.code, 1);
  const xml = readFileSync(report, 'utf8');
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 14);
  assert.equal((xml.match(/<failure /g) ?? []).length, 1);
  assert.match(xml, /<failure message="[^"]*" type="MTLS_MATCH_MISMATCH">/);
});

test('--junit onto a folder is MTLS_WRITE_FAILED (exit 2), not an internal error', async () => {
  const result = await runCli(['doctor', '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa, '--ci', '--junit', dir]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /MTLS_WRITE_FAILED/);
  assert.doesNotMatch(result.stderr, /internal error/);
});

test('a config target that is not a host name is MTLS_CONFIG_INVALID naming the key, before any traffic', async () => {
  const config = join(dir, 'bad-target.config.json');
  writeFileSync(config, JSON.stringify({ targets: { 'foo bar': {} } }));
  const result = await runCli(['doctor', '--config', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /MTLS_CONFIG_INVALID[\s\S]*"foo bar"/);
  assert.doesNotMatch(result.stderr, /internal error/);
});

test('a URL that does not parse is echoed without its password', async () => {
  const result = await runCli(['doctor', 'https://u:PWLEAK@localhost:99999/']);
  assert.equal(result.code, 2, result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /PWLEAK/);
});

test('invalid invocations exit 2: nothing to check, a bad --fail-within, an http:// URL', async () => {
  for (const args of [['doctor'], ['doctor', '--cert', pki.goodClient.cert, '--fail-within', 'soon'], ['doctor', 'http://example.com/']]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
  }
});

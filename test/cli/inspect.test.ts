import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, ROOT, STACK_TRACE } from '../helpers/cli.js';

const F = join(ROOT, 'fixtures/credentials');
const fixture = (name: string) => join(F, name);
const ANSI = /\u001b\[/;

function parseJson(stdout: string): { schemaVersion: number; sources: { certificates: { fingerprintSha256: string; role: string }[]; findings: { code: string }[] }[] } {
  return JSON.parse(stdout);
}

test('inspect reads the same certificate from PEM, DER, base64, inline PEM, stdin and a password-protected PKCS#12', async () => {
  const pem = readFileSync(fixture('client.pem'), 'utf8');
  const runs = await Promise.all([
    runCli(['inspect', fixture('client.pem'), '--json']),
    runCli(['inspect', fixture('client.der'), '--json']),
    runCli(['inspect', Buffer.from(pem).toString('base64'), '--json']),
    runCli(['inspect', pem, '--json']),
    runCli(['inspect', '-', '--json'], { stdin: readFileSync(fixture('client.der')) }),
    runCli(['inspect', fixture('client-modern-aes256.p12'), '--pass', 'env:P12_PASS', '--json'], { env: { P12_PASS: 'fixture-pass' } }),
    runCli(['inspect', fixture('client-legacy-rc2-3des.p12'), '--pass', 'stdin', '--json'], { stdin: 'fixture-pass\n' }),
  ]);
  const fingerprints = runs.map((r) => {
    assert.equal(r.code, 0, r.stderr);
    return parseJson(r.stdout).sources[0]?.certificates[0]?.fingerprintSha256;
  });
  assert.equal(new Set(fingerprints).size, 1, fingerprints.join('\n'));
  assert.match(fingerprints[0] ?? '', /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
});

test('a 3-certificate bundle is drawn as a chain, in order; a reversed one is called out of order', async () => {
  const inOrder = await runCli(['inspect', fixture('client-chain-in-order.pem')]);
  assert.equal(inOrder.code, 0);
  assert.match(inOrder.stdout, /Chain\n\s+#1 leaf "client"\n\s+└─ #2 intermediate CA "mtls fixtures intermediate"\n\s+└─ #3 root CA "mtls fixtures root"/);
  assert.match(inOrder.stdout, /in order · ends at a root/);
  const reversed = await runCli(['inspect', fixture('client-chain-reversed.pem'), '--json']);
  const codes = parseJson(reversed.stdout).sources[0]?.findings.map((f) => f.code);
  assert.deepEqual(codes, ['MTLS_BUNDLE_OUT_OF_ORDER']);
  const missing = await runCli(['inspect', fixture('client-chain-missing-intermediate.pem')]);
  assert.match(missing.stdout, /\? "CN=mtls fixtures intermediate, O=mtls fixtures" \(not in this bundle\)/);
  const messy = await runCli(['inspect', fixture('client-chain-with-duplicate-and-extra.pem'), '--json']);
  assert.deepEqual(parseJson(messy.stdout).sources[0]?.findings.map((f) => f.code).sort(), ['MTLS_BUNDLE_DUPLICATE', 'MTLS_BUNDLE_EXTRA']);
  // Leaf + intermediate without the root is what a peer should be sent: nothing to report.
  const fullchain = await runCli(['inspect', fixture('server-fullchain.pem'), '--json']);
  assert.deepEqual(parseJson(fullchain.stdout).sources[0]?.findings, []);
  const leafAndRoot = await runCli(['inspect', fixture('client-chain-missing-intermediate.pem'), '--json']);
  assert.deepEqual(parseJson(leafAndRoot.stdout).sources[0]?.findings.map((f) => f.code).sort(), ['MTLS_BUNDLE_EXTRA', 'MTLS_BUNDLE_INCOMPLETE']);
});

test('an expired certificate is called expired, plainly', async () => {
  const result = await runCli(['inspect', fixture('expired-client.pem')]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /EXPIRED \d+ years ago/);
  assert.match(result.stdout, /expired on 2001-01-01/);
});

test('keys are described, never printed; encrypted ones say how they are protected', async () => {
  const result = await runCli(['inspect', fixture('client-key-pkcs8.pem'), fixture('client-key-pkcs8-encrypted-aes256.pem'), '--json']);
  assert.equal(result.code, 0, result.stderr);
  const keyBody = readFileSync(fixture('client-key-pkcs8.pem'), 'utf8').split('\n')[1] ?? '';
  assert.ok(!result.stdout.includes(keyBody.slice(0, 20)));
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.sources[0].keys[0].algorithm, 'EC');
  assert.equal(doc.sources[0].keys[0].curve, 'P-256');
  assert.match(doc.sources[1].lockedKeys[0].encryption, /AES-256-CBC/);
});

test('output rules: results on stdout, diagnoses on stderr, exit codes, no colour when piped, FORCE_COLOR and NO_COLOR', async () => {
  const ok = await runCli(['inspect', fixture('client.pem')]);
  assert.equal(ok.code, 0);
  assert.equal(ok.stderr, '');
  assert.doesNotMatch(ok.stdout, ANSI);

  const forced = await runCli(['inspect', fixture('client.pem')], { env: { FORCE_COLOR: '1' } });
  assert.match(forced.stdout, ANSI);
  const noColor = await runCli(['inspect', fixture('client.pem')], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
  assert.doesNotMatch(noColor.stdout, ANSI);
  const flag = await runCli(['--no-color', 'inspect', fixture('client.pem')], { env: { FORCE_COLOR: '1' } });
  assert.doesNotMatch(flag.stdout, ANSI);

  const missing = await runCli(['inspect', 'no-such-file.pem', '--json']);
  assert.equal(missing.code, 2);
  assert.equal(JSON.parse(missing.stdout).error.code, 'MTLS_FILE_NOT_FOUND');
  assert.match(missing.stderr, /^error MTLS_FILE_NOT_FOUND/m);

  const usage = await runCli(['inspect', '--no-such-flag']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown option/);
  const unknownCommand = await runCli(['frobnicate']);
  assert.equal(unknownCommand.code, 2);
  const help = await runCli(['inspect', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  for (const r of [ok, missing, usage, unknownCommand, help]) assert.doesNotMatch(r.stdout + r.stderr, STACK_TRACE);
});

test('a literal passphrase works but is warned about; the value is never echoed', async () => {
  const result = await runCli(['inspect', fixture('client-key-pkcs8-encrypted-aes256.pem'), '--pass', 'fixture-pass']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /warning: the passphrase was given on the command line/);
  assert.ok(!(result.stdout + result.stderr).includes('fixture-pass'));
});

test('standard input feeds one input: `- --pass stdin` is refused, not read twice', async () => {
  const result = await runCli(['inspect', '-', '--pass', 'stdin'], { stdin: readFileSync(fixture('client-key-pkcs8-encrypted-aes256.pem')) });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /MTLS_CONFLICTING_INPUTS/);
});

test('a usage error with --json still prints one JSON document', async () => {
  const result = await runCli(['inspect', '--connect-timeout', 'soon', '--json']);
  assert.equal(result.code, 2);
  assert.equal(JSON.parse(result.stdout).error.code, 'MTLS_USAGE');
});

test('MTLS_DEBUG=1 is the only way to a stack trace', async () => {
  const plain = await runCli(['inspect', join(ROOT, 'fixtures')]);
  assert.doesNotMatch(plain.stderr, STACK_TRACE);
  const debug = await runCli(['inspect', join(ROOT, 'fixtures')], { env: { MTLS_DEBUG: '1' } });
  assert.match(debug.stderr, STACK_TRACE);
});

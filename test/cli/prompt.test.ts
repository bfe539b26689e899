import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A missing key passphrase or PKCS#12 password is asked for on a terminal, as openssl and curl
 * do: hidden, on stderr, once. Never off a TTY, never with --json, never in CI. Real
 * pseudo-terminals (test/helpers/pty-answer.py types the answers).
 */
const FIXTURES = join(ROOT, 'fixtures/credentials');
const CERT = join(FIXTURES, 'client.pem');
const ENCRYPTED_KEY = join(FIXTURES, 'client-key-pkcs8-encrypted-aes256.pem');
const P12 = join(FIXTURES, 'client-modern-aes256.p12');
const PASS = 'fixture-pass';

interface PtyResult {
  exited: boolean;
  code: number | null;
  signal: number | null;
  output: string;
}

function onTerminal(answers: [string, string][], args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): PtyResult {
  const result = spawnSync('python3', [join(ROOT, 'test/helpers/pty-answer.py'), JSON.stringify(answers), process.execPath, BIN, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, CI: '', NO_COLOR: '1', FORCE_COLOR: '', TERM: 'xterm-256color', MTLS_KEY_PASSPHRASE: '', ...options.env },
  });
  return JSON.parse(result.stdout) as PtyResult;
}

test('an encrypted key with no passphrase: asked for on the terminal, not echoed, then used', () => {
  const result = onTerminal([['Enter the pass phrase for .*client-key-pkcs8-encrypted-aes256\\.pem: ', `${PASS}\r`]], ['match', CERT, ENCRYPTED_KEY]);
  assert.equal(result.code, 0, result.output);
  assert.match(result.output, /✔ match/);
  assert.ok(!result.output.includes(PASS), `the passphrase was echoed:\n${result.output}`);
});

test('a PKCS#12 file with no password: asked for as a PKCS#12 password (not reported as a wrong one), then opened', () => {
  const result = onTerminal([['Enter the PKCS#12 password for .*client-modern-aes256\\.p12: ', `${PASS}\r`]], ['match', P12]);
  assert.equal(result.code, 0, result.output);
  assert.ok(!result.output.includes(PASS), result.output);
});

test('Ctrl-C at the prompt ends mtls with 130; an empty answer gives the missing-passphrase diagnosis', () => {
  const cancelled = onTerminal([['pass phrase for', '\u0003']], ['match', CERT, ENCRYPTED_KEY]);
  assert.equal(cancelled.code, 130, cancelled.output);
  const empty = onTerminal([['pass phrase for', '\r']], ['match', CERT, ENCRYPTED_KEY]);
  assert.equal(empty.code, 2, empty.output);
  assert.match(empty.output, /MTLS_KEY_ENCRYPTED_NO_PASSPHRASE/);
  const wrong = onTerminal([['pass phrase for', 'not-it\r']], ['match', CERT, ENCRYPTED_KEY]);
  assert.equal(wrong.code, 2, wrong.output);
  assert.match(wrong.output, /MTLS_KEY_WRONG_PASSPHRASE: [\s\S]*the passphrase from the terminal prompt/);
});

test('never a prompt with --json, in CI, or off a terminal: the missing PKCS#12 password is reported as missing, with the flag', async () => {
  for (const [label, args, env] of [
    ['--json', ['match', P12, '--json'], {}],
    ['CI=true', ['match', P12], { CI: 'true' }],
  ] as const) {
    const result = onTerminal([['PKCS#12 password', `${PASS}\r`]], [...args], { env });
    assert.equal(result.code, 2, `${label}: ${result.output}`);
    assert.doesNotMatch(result.output, /Enter the/, `${label}: prompted`);
    assert.match(result.output, /MTLS_P12_NO_PASSWORD/, label);
  }
  const piped = await runCli(['request', 'https://127.0.0.1:1/', '--cert', P12]);
  assert.equal(piped.code, 2, piped.stderr);
  assert.match(piped.stderr, /MTLS_P12_NO_PASSWORD: PKCS#12 file needs a password, and none was given/);
  assert.doesNotMatch(piped.stderr, /Wrong password/);
  assert.match(piped.stderr, /--pass env:P12_PASS/);
});

test('issue --p12 with no --p12-pass on a terminal: the new password is asked for twice; two different ones write nothing', () => {
  const dir = tempDir('mtls-prompt-');
  assert.equal(spawnSync(process.execPath, [BIN, 'ca', 'init'], { cwd: dir }).status, 0);
  const typed = onTerminal([['Enter the password for the new PKCS#12 file: ', 'new-p12-pass\r'], ['Verifying', 'new-p12-pass\r']], ['issue', 'client', 'alice', '--p12'], { cwd: dir });
  assert.equal(typed.code, 0, typed.output);
  assert.ok(existsSync(join(dir, 'pki/alice.p12')));
  assert.ok(!typed.output.includes('new-p12-pass'), typed.output);
  const opened = spawnSync(process.execPath, [BIN, 'match', 'pki/alice.p12', '--pass', 'env:P'], { cwd: dir, env: { ...process.env, P: 'new-p12-pass' }, encoding: 'utf8' });
  assert.equal(opened.status, 0, opened.stderr);

  const differ = onTerminal([['Enter the password', 'one\r'], ['Verifying', 'two\r']], ['issue', 'client', 'bob', '--p12'], { cwd: dir });
  assert.equal(differ.code, 2, differ.output);
  assert.match(differ.output, /differ; nothing was written/);
  assert.ok(!existsSync(join(dir, 'pki/bob.crt')));
});

test('an encrypted CA key: issue asks for its passphrase on a terminal', () => {
  const dir = tempDir('mtls-prompt-ca-');
  assert.equal(spawnSync(process.execPath, [BIN, 'ca', 'init', '--encrypt-key', '--pass', 'env:P'], { cwd: dir, env: { ...process.env, P: 'ca-secret' } }).status, 0);
  const result = onTerminal([['Enter the pass phrase for .*ca\\.key: ', 'ca-secret\r']], ['issue', 'server', 'localhost'], { cwd: dir });
  assert.equal(result.code, 0, result.output);
  assert.ok(existsSync(join(dir, 'pki/localhost.crt')));
});

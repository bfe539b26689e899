import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Every command the PKI flows print as "Next:" or as a fix is run exactly as printed, in the
 * folder where it was printed (a copy of it, so each suggestion starts from the same state), and
 * must succeed. Placeholders (HOST, CA_FOLDER, CERT, KEY) are allowed only where the value cannot
 * be known, and each such case is named below.
 */
const root = tempDir('mtls-hints-');
const P12_PASS = 'p12-secret-for-hints';
const env = { P12_PASS };
const URL = 'https://127.0.0.1:1/';

/** The words of a printed command (plain words and '…' quoting, which is all mtls prints). */
function words(command: string): string[] {
  const out: string[] = [];
  const pattern = /'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of command.matchAll(pattern)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string));
  return out;
}

/** `mtls …` commands of the "Next:" block: the text before the two-space gap that starts the comment. */
function nextCommands(stderr: string): string[] {
  const block = stderr.split('\nNext:\n')[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('mtls '))
    .map((line) => line.split(/ {2,}/)[0] as string);
}

/** `mtls …` commands in backticks in a --json error's fixes. */
function fixCommands(stdout: string): string[] {
  const doc = JSON.parse(stdout) as { error: { fixes: string[] } };
  return doc.error.fixes.flatMap((fix) => [...fix.matchAll(/`(mtls [^`]+)`/g)].map((m) => m[1] as string));
}

function fixesOf(stdout: string): string[] {
  return (JSON.parse(stdout) as { error: { fixes: string[] } }).error.fixes;
}

const PLACEHOLDER = /\b(HOST|CA_FOLDER|CERT|KEY|NAME|DIR|FILE)\b/;

let copies = 0;
/** Runs a printed command in a copy of `dir` (same relative layout), as printed. */
async function runPrinted(command: string, dir: string): Promise<CliResult & { where: string }> {
  assert.doesNotMatch(command, PLACEHOLDER, `a placeholder in a command that should be complete: ${command}`);
  const [mtls, ...args] = words(command);
  assert.equal(mtls, 'mtls');
  const where = join(root, `copy-${++copies}`);
  cpSync(dir, where, { recursive: true });
  const result = await runCli(args, { cwd: where, env });
  return { ...result, where };
}

async function assertAllSucceed(commands: string[], dir: string, context: string): Promise<void> {
  assert.ok(commands.length > 0, `${context}: no command printed`);
  for (const command of commands) {
    const result = await runPrinted(command, dir);
    assert.equal(result.code, 0, `${context}: \`${command}\` failed (exit ${result.code}):\n${result.stderr}`);
  }
}

async function mtls(args: string[], cwd: string, extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { cwd, env: { ...env, ...extraEnv } });
}

function assertNoRepeats(fixes: string[], context: string): void {
  assert.equal(new Set(fixes).size, fixes.length, `${context}: a fix repeated: ${fixes.join(' | ')}`);
  assert.doesNotMatch(fixes.join('\n'), /\(--cert\) \(--cert\)/);
}

// One project folder: a CA in ./pki, as the README's quick start makes it.
const project = join(root, 'project');
mkdirSync(project);

test('ca init → issue server/client: every "Next:" command runs as printed', async () => {
  const init = await mtls(['ca', 'init'], project);
  assert.equal(init.code, 0, init.stderr);
  const afterInit = nextCommands(init.stderr);
  assert.deepEqual(afterInit, ['mtls issue server localhost --san 127.0.0.1', 'mtls issue client alice']);
  await assertAllSucceed(afterInit, project, 'ca init');

  const server = await mtls(['issue', 'server', 'localhost', '--san', '127.0.0.1'], project);
  assert.equal(server.code, 0, server.stderr);
  // `mtls serve` runs until stopped: it is checked to name existing files, not run here.
  const serve = nextCommands(server.stderr).find((c) => c.startsWith('mtls serve '));
  assert.ok(serve, server.stderr);
  for (const file of words(serve).filter((w) => w.endsWith('.crt') || w.endsWith('.key'))) assert.ok(existsSync(join(project, file)), `${serve}: ${file} missing`);
  await assertAllSucceed(nextCommands(server.stderr).filter((c) => !c.startsWith('mtls serve ')), project, 'issue server');

  const client = await mtls(['issue', 'client', 'alice'], project);
  assert.equal(client.code, 0, client.stderr);
  // The one placeholder: which server the client will talk to is not known yet.
  for (const command of nextCommands(client.stderr)) assert.match(command, /^mtls request https:\/\/HOST:8443\/ --cert pki\/alice\.crt --key pki\/alice\.key --cacert pki\/ca\.crt$/);
});

test('csr NAME --dir . → the suggested sign uses the CA folder (./pki), not the CSR folder, and runs; sign → inspect runs', async () => {
  const csr = await mtls(['csr', 'api', '--dir', '.', '--san', 'api.internal'], project);
  assert.equal(csr.code, 0, csr.stderr);
  const sign = nextCommands(csr.stderr);
  assert.deepEqual(sign, ['mtls sign api.csr --server']);
  await assertAllSucceed(sign, project, 'csr --dir .');

  const signed = await mtls(['sign', 'api.csr', '--server'], project);
  assert.equal(signed.code, 0, signed.stderr);
  await assertAllSucceed(nextCommands(signed.stderr), project, 'sign');

  // A CA in another folder than ./pki, and the CSR in a third: sign gets --dir of the CA.
  const other = join(root, 'other-layout');
  mkdirSync(other);
  assert.equal((await mtls(['ca', 'init', '--dir', 'my ca'], other)).code, 0);
  const elsewhere = await mtls(['csr', 'web', '--dir', 'requests'], other);
  assert.deepEqual(nextCommands(elsewhere.stderr), ["mtls sign requests/web.csr --server --dir 'my ca'"]);
  await assertAllSucceed(nextCommands(elsewhere.stderr), other, 'csr in a folder without a CA');
});

test('sign pointed at a folder with no CA: the fix is the same command pointed at the CA, and it runs', async () => {
  const result = await mtls(['sign', 'api.csr', '--client', '--dir', '.', '--out', 'api-client.crt', '--json'], project);
  assert.equal(result.code, 2, result.stderr);
  assertNoRepeats(fixesOf(result.stdout), 'sign --dir .');
  assert.doesNotMatch(result.stdout, /mtls ca init/, 'a CA exists nearby: creating another is not the fix');
  const commands = fixCommands(result.stdout);
  assert.deepEqual(commands, ['mtls sign api.csr --client --out api-client.crt']);
  await assertAllSucceed(commands, project, 'sign without a CA');
});

test('p12 export → inspect with the same --pass runs; an existing output gets the command with --force, never --dir', async () => {
  const args = ['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', 'alice.p12', '--pass', 'env:P12_PASS'];
  const exported = await mtls(args, project);
  assert.equal(exported.code, 0, exported.stderr);
  assert.deepEqual(nextCommands(exported.stderr), ['mtls inspect alice.p12 --pass env:P12_PASS']);
  await assertAllSucceed(nextCommands(exported.stderr), project, 'p12 export');

  const again = await mtls([...args, '--json'], project);
  assert.equal(again.code, 2);
  const fixes = fixesOf(again.stdout);
  assertNoRepeats(fixes, 'p12 export over a file');
  assert.doesNotMatch(fixes.join('\n'), /--dir/, 'p12 export has no --dir');
  assert.deepEqual(fixCommands(again.stdout), [`${['mtls', ...args].join(' ')} --force`]);
  await assertAllSucceed(fixCommands(again.stdout), project, 'p12 export exists');

  // Without a password: the flag named is this command's (--pass), and nothing else.
  const missing = await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', 'x.p12', '--json'], project);
  assert.equal(missing.code, 2);
  assert.doesNotMatch(fixesOf(missing.stdout).join('\n'), /--p12-pass|--dir/);
  // issue --p12: the flag is --p12-pass, and the catalog's --pass fix is not added.
  const issue = await mtls(['issue', 'client', 'bob', '--p12', '--json'], project);
  assert.equal(issue.code, 2);
  const issueFixes = fixesOf(issue.stdout).join('\n');
  assert.match(issueFixes, /--p12-pass env:P12_PASS/);
  assert.doesNotMatch(issueFixes, /(^|[^-])--pass /);
});

test('issue over existing files, and from a folder with no CA: the fixes run as printed', async () => {
  const exists = await mtls(['issue', 'client', 'alice', '--json'], project);
  assert.equal(exists.code, 2);
  assertNoRepeats(fixesOf(exists.stdout), 'issue over files');
  assert.deepEqual(fixCommands(exists.stdout), ['mtls issue client alice --force']);
  await assertAllSucceed(fixCommands(exists.stdout), project, 'issue exists');

  const nowhere = await mtls(['issue', 'client', 'carol', '--dir', 'nowhere', '--json'], project);
  assert.equal(nowhere.code, 2);
  assertNoRepeats(fixesOf(nowhere.stdout), 'issue --dir nowhere');
  assert.deepEqual(fixCommands(nowhere.stdout), ['mtls issue client carol']);
  await assertAllSucceed(fixCommands(nowhere.stdout), project, 'issue without a CA');
});

test('renew outside the CA folder: first the same renew pointed at the issuing CA (found nearby), never a new CA; it runs', async () => {
  mkdirSync(join(project, 'deployed'));
  cpSync(join(project, 'pki/localhost.crt'), join(project, 'deployed/localhost.crt'));
  cpSync(join(project, 'pki/localhost.key'), join(project, 'deployed/localhost.key'));
  // From the project folder, and from inside the certificate's folder.
  for (const [cwd, cert, expected] of [
    [project, 'deployed/localhost.crt', 'mtls renew deployed/localhost.crt --dir pki'],
    [join(project, 'deployed'), 'localhost.crt', `mtls renew localhost.crt --dir ${join(project, 'pki')}`],
  ] as const) {
    const result = await mtls(['renew', cert, '--json'], cwd);
    assert.equal(result.code, 2, result.stderr);
    const fixes = fixesOf(result.stdout);
    assertNoRepeats(fixes, 'renew');
    assert.doesNotMatch(fixes.join('\n'), /ca init/, 'a new CA would not be trusted by anything');
    assert.deepEqual(fixCommands(result.stdout), [expected]);
    await assertAllSucceed([expected], cwd, 'renew outside the CA folder');
  }
  // Pointed at another CA: the fix names the one that issued it.
  assert.equal((await mtls(['ca', 'init', '--dir', 'second-ca'], project)).code, 0);
  const wrong = await mtls(['renew', 'deployed/localhost.crt', '--dir', 'second-ca', '--json'], project);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stdout, /MTLS_RENEW_UNKNOWN/);
  assert.deepEqual(fixCommands(wrong.stdout), ['mtls renew deployed/localhost.crt --dir pki']);
  await assertAllSucceed(fixCommands(wrong.stdout), project, 'renew with another CA');

  // No CA anywhere near: a placeholder for the folder, still no new CA.
  const lonely = join(root, 'lonely');
  mkdirSync(join(lonely, 'certs'), { recursive: true });
  cpSync(join(project, 'pki/localhost.crt'), join(lonely, 'certs/localhost.crt'));
  const none = await mtls(['renew', 'certs/localhost.crt', '--json'], lonely);
  assert.equal(none.code, 2);
  assert.deepEqual(fixCommands(none.stdout).filter((c) => c.startsWith('mtls renew')), ['mtls renew certs/localhost.crt --dir CA_FOLDER']);
  assert.doesNotMatch(none.stdout, /ca init --dir/);
});

test('match: swapped arguments and a missing key get the real paths, and those commands run', async () => {
  const swapped = await mtls(['match', 'pki/alice.key', 'pki/alice.crt', '--json'], project);
  assert.equal(swapped.code, 2, swapped.stderr);
  assert.deepEqual(fixCommands(swapped.stdout), ['mtls match pki/alice.crt pki/alice.key']);
  await assertAllSucceed(fixCommands(swapped.stdout), project, 'match swapped');

  const noKey = await mtls(['match', 'pki/alice.crt', '--json'], project);
  assert.equal(noKey.code, 2);
  assert.deepEqual(fixCommands(noKey.stdout), ['mtls match pki/alice.crt pki/alice.key', 'mtls match FILE.p12 --pass env:NAME']);
  await assertAllSucceed(fixCommands(noKey.stdout).slice(0, 1), project, 'match without a key');
});

test('a CA certificate given as --cert is named as one, with the flags it belongs to; the match command uses the real paths', async () => {
  const result = await mtls(['request', URL, '--cert', 'pki/ca.crt', '--key', 'pki/alice.key', '--json'], project);
  assert.equal(result.code, 2, result.stderr);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.error.code, 'MTLS_KEY_CERT_MISMATCH');
  assert.match(doc.error.summary, /--cert holds a CA certificate/);
  assert.match(doc.error.fixes.join('\n'), /--cacert .*--client-ca/);
  assertNoRepeats(doc.error.fixes, 'CA as --cert');
  assert.deepEqual(fixCommands(result.stdout), ['mtls match pki/ca.crt pki/alice.key']);
  // match answers where the key belongs (exit 1: they do not match) and says ca.crt is a CA.
  const match = await runPrinted('mtls match pki/ca.crt pki/alice.key', project);
  assert.equal(match.code, 1);
  assert.match(match.stdout, /is a CA certificate: it belongs to --cacert/);
  assert.match(match.stdout, /pki\/alice\.crt/);
});

test('a CSR given as --cert: `mtls sign FILE.csr` is suggested and runs; an inline one names --cert once', async () => {
  assert.equal((await mtls(['csr', 'billing', '--dir', '.'], project)).code, 0);
  const result = await mtls(['request', URL, '--cert', 'billing.csr', '--key', 'billing.key', '--json'], project);
  assert.equal(result.code, 2, result.stderr);
  assert.deepEqual(fixCommands(result.stdout), ['mtls sign billing.csr --client']);
  await assertAllSucceed(fixCommands(result.stdout), project, 'CSR as --cert');
  const inline = await mtls(['request', URL, '--cert', readFileSync(join(project, 'api.csr'), 'utf8'), '--key', 'api.key', '--json'], project);
  assert.equal(inline.code, 2);
  assert.doesNotMatch(inline.stdout, /\(--cert\) \(--cert\)/);
  assert.match(JSON.parse(inline.stdout).error.summary, /^inline PEM \(--cert\) holds no certificate/);
});

test('--pass env:P12PASS when P12_PASS is set: "did you mean env:P12_PASS", names only, never the value', async () => {
  const result = await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', 'y.p12', '--pass', 'env:P12PASS'], project);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /did you mean env:P12_PASS\?/);
  assert.match(result.stderr, /--pass env:P12_PASS: P12_PASS is set/);
  assert.ok(!result.stderr.includes(P12_PASS), 'the value of P12_PASS was printed');
  // --key-pass is named as --key-pass.
  const keyPass = await mtls(['p12', 'export', '--cert', 'pki/alice.crt', '--key', 'pki/alice.key', '--out', 'y.p12', '--pass', 'env:P12_PASS', '--key-pass', 'env:KEYPASS'], project, { KEY_PASS: 'x' });
  assert.match(keyPass.stderr, /--key-pass env:KEYPASS: .*did you mean env:KEY_PASS\?/);
});

test('csr --help says what --dir and --pass do for csr (no CA is involved)', async () => {
  const help = await mtls(['csr', '--help'], project);
  assert.match(help.stdout, /--dir <dir>\s+the folder for NAME\.key and NAME\.csr/);
  assert.match(help.stdout, /--pass <spec>\s+with --encrypt-key: the passphrase for NAME\.key/);
  assert.doesNotMatch(help.stdout, /the CA folder|passphrase of the CA key/);
  // And --encrypt-key works: the key is written encrypted.
  const encrypted = await mtls(['csr', 'locked', '--dir', '.', '--encrypt-key', '--pass', 'env:P12_PASS'], project);
  assert.equal(encrypted.code, 0, encrypted.stderr);
  assert.match(readFileSync(join(project, 'locked.key'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  renameSync(join(project, 'locked.key'), join(project, 'locked.key.done'));
});

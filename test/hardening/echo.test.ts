import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMtlsAgent } from '../../src/index.js';
import { MtlsError } from '../../src/core/errors.js';
import { runCli, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { spawnServe } from '../net/serve-helpers.js';
import { base64Pieces, FIXTURES, leakedPiece } from './corpus.js';
import { parseJson } from './oracle.js';

/**
 * What mtls repeats of a value it could not use. A private key in a .env shape (quotes, NAME=,
 * export, ";", literal \n) is described, never quoted, on every way in: --key, MTLS_KEY_PATH, a
 * config {env:}, inspect, --json, doctor's CI annotations and JUnit, and the library's errors.
 * curl's --cert FILE:PASSWORD is refused without its password; an inline key on the command
 * line is warned about; -H errors name the header only; an implicit mtls.config.json that
 * replaces the trusted CAs says so. Real processes: the claims are about what reaches a terminal.
 */
const dir = tempDir('mtls-echo-');
const fixture = (name: string) => join(FIXTURES, name);
const CERT = fixture('client.pem');
const KEY_PEM = readFileSync(fixture('client-key-pkcs8.pem'), 'utf8');
const { privateKey } = generateKeyPairSync('ed25519');
/** A whole Ed25519 PKCS#8 key: 64 characters of base64, short enough to pass for a path before. */
const KEY = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
const PIECES = base64Pieces(KEY);
const closedPort = await freePort();
const URL = `https://127.0.0.1:${closedPort}/`;

const SHAPES: Record<string, string> = {
  quotes: `"${KEY}"`,
  'KEY= prefix': `KEY=${KEY}`,
  'export prefix': `export MTLS_KEY_PATH='${KEY}'`,
  // Literal \n alone is read (how CI secret stores carry a PEM); inside quotes it is still refused.
  'literal \\n in quotes': `"-----BEGIN PRIVATE KEY-----\\n${KEY}\\n-----END PRIVATE KEY-----\\n"`,
  'trailing ;': `${KEY};`,
};

/** Two at a time: the machine has two cores, shared with other suites. */
async function inPairs<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += 2) results.push(...(await Promise.all(items.slice(i, i + 2).map(run))));
  return results;
}

function noStackOrInternalError(label: string, result: CliResult): void {
  assert.ok(![3, -1].includes(result.code), `${label}: exit ${result.code}: ${result.stderr}`);
  assert.ok(!STACK_TRACE.test(result.stdout + result.stderr), `${label}: a stack trace:\n${result.stderr}`);
}

test('a whole Ed25519 key in each .env shape, on every way in: refused (exit 2) and described, never quoted, in text, --json, annotations and JUnit', async () => {
  interface Case {
    label: string;
    args: string[];
    env?: Record<string, string>;
    json?: boolean;
    junit?: string;
  }
  const cases: Case[] = [];
  for (const [shape, value] of Object.entries(SHAPES)) {
    const config = join(dir, `config-${cases.length}.json`);
    writeFileSync(config, JSON.stringify({ mtls: { cert: CERT, key: '{env:APP_KEY}' } }));
    const junit = join(dir, `junit-${cases.length}.xml`);
    cases.push(
      { label: `${shape}: --key`, args: ['request', URL, '--cert', CERT, '--key', value] },
      { label: `${shape}: --key --json`, args: ['request', URL, '--cert', CERT, '--key', value, '--json'], json: true },
      { label: `${shape}: MTLS_KEY_PATH`, args: ['request', URL, '--cert', CERT], env: { MTLS_KEY_PATH: value } },
      { label: `${shape}: config {env:}`, args: ['request', URL, '--config', config, '--json'], env: { APP_KEY: value }, json: true },
      { label: `${shape}: inspect`, args: ['inspect', value] },
      { label: `${shape}: inspect --json`, args: ['inspect', value, '--json'], json: true },
      { label: `${shape}: doctor --ci (GitHub) --junit`, args: ['doctor', '--cert', CERT, '--ci', '--junit', junit], env: { MTLS_KEY_PATH: value, GITHUB_ACTIONS: 'true' }, junit },
      { label: `${shape}: doctor --json`, args: ['doctor', '--cert', CERT, '--key', value, '--json'], json: true },
    );
  }
  const leaks: string[] = [];
  const noFix: string[] = [];
  await inPairs(cases, async (c) => {
    const result = await runCli(c.args, { cwd: dir, ...(c.env ? { env: c.env } : {}) });
    noStackOrInternalError(c.label, result);
    const isDoctor = c.args[0] === 'doctor';
    // doctor reports the refused key as a failing check (exit 1); the others refuse the input (exit 2).
    assert.equal(result.code, isDoctor ? 1 : 2, `${c.label}: exit ${result.code}: ${result.stderr}`);
    const said = result.stdout + result.stderr + (c.junit && existsSync(c.junit) ? readFileSync(c.junit, 'utf8') : '');
    const piece = leakedPiece(said, PIECES);
    if (piece) leaks.push(`${c.label}: ${piece}`);
    if (c.json) {
      const doc = parseJson(result.stdout);
      assert.ok(doc, `${c.label}: no JSON document`);
      const code = doc.error?.code ?? doc.checks?.find((check: { status: string }) => check.status === 'fail')?.code;
      if (!['MTLS_VALUE_WRAPPED', 'MTLS_NOT_A_CREDENTIAL'].includes(code)) noFix.push(`${c.label}: ${code}`);
      if (doc.error?.details?.path !== undefined) leaks.push(`${c.label}: details.path is set`);
    }
    if (c.junit) assert.ok(existsSync(c.junit), `${c.label}: no JUnit file`);
    // What to do instead is said: what to remove, by name.
    if (!/[Rr]emove the|real line breaks/.test(said)) noFix.push(c.label);
  });
  assert.deepEqual(leaks, []);
  assert.deepEqual(noFix, [], 'runs without the diagnosis or a fix that says what to remove');
});

test('a base64 key that loads is never a "file" in doctor findings: --json, GitHub annotations and JUnit of a failing key check', async () => {
  // The server's key against the client's certificate: read fine, then the match check fails.
  const serverKey = readFileSync(fixture('server-key-pkcs8.pem'), 'utf8');
  const pieces = [...base64Pieces(Buffer.from(serverKey).toString('base64')), ...base64Pieces(serverKey.replace(/-----[A-Z ]+-----/g, ''))];
  const junit = join(dir, 'base64-key.xml');
  for (const args of [['--ci', '--junit', junit], ['--json']]) {
    const result = await runCli(['doctor', '--cert', CERT, ...args], { cwd: dir, env: { MTLS_KEY_PATH: Buffer.from(serverKey).toString('base64'), GITHUB_ACTIONS: 'true' } });
    noStackOrInternalError(args.join(' '), result);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout + result.stderr, /MTLS_MATCH_MISMATCH/);
    const said = result.stdout + result.stderr + (args.includes('--junit') ? readFileSync(junit, 'utf8') : '');
    assert.equal(leakedPiece(said, pieces), null, `${args.join(' ')}: a piece of the key:\n${said.slice(0, 600)}`);
  }
});

test('the library: createMtlsAgent errors describe a key in each .env shape (and a Buffer), never quote it', async () => {
  const shapes = { ...SHAPES, 'short Buffer': Buffer.from(KEY.slice(0, 24)) };
  for (const [shape, key] of Object.entries(shapes)) {
    const agent = createMtlsAgent({ cert: CERT, key, targets: { 'https://api.example': { cert: CERT, key } } });
    const error = await agent.ready().then(
      () => null,
      (e: unknown) => e,
    );
    await agent.close();
    assert.ok(error instanceof MtlsError, `${shape}: ${String(error)}`);
    const said = JSON.stringify({ message: error.message, details: error.details, fixes: error.fixes, diagnosis: error.toDiagnosis(), text: String(error) });
    assert.equal(leakedPiece(said, [...PIECES, ...base64Pieces(Buffer.from(KEY.slice(0, 24)).toString('base64'), 12)]), null, `${shape}: ${said}`);
    assert.match(error.message, /\d+-(character value|byte Buffer) \(?from (targets\["(https:\/\/)?api\.example"\]\.)?key/, `${shape}: ${error.message}`);
  }
});

test("curl's --cert FILE:PASSWORD is refused with the --pass fix, and the password never shows: request and doctor, text, --json, GitHub annotations, JUnit", async () => {
  const password = `s3cret-${randomBytes(6).toString('hex')}`;
  const p12 = fixture('client-modern-aes256.p12');
  const junit = join(dir, 'curl-form.xml');
  const flagFix = (file: string) => `--cert ${file} --pass env:`;
  const cases: { label: string; args: string[]; env?: Record<string, string>; fix: string }[] = [
    { label: 'request, existing file', args: ['request', URL, '--cert', `${p12}:${password}`], fix: flagFix(p12) },
    { label: 'request --json, missing client.p12', args: ['request', URL, '--cert', `client.p12:${password}`, '--json'], fix: flagFix('client.p12') },
    { label: 'request, a password holding ":"', args: ['request', URL, '--cert', `${p12}:${password}:more`], fix: flagFix(p12) },
    { label: 'MTLS_CERT_PATH', args: ['request', URL], env: { MTLS_CERT_PATH: `${p12}:${password}` }, fix: `export MTLS_CERT_PATH=${p12}` },
    { label: 'doctor', args: ['doctor', '--cert', `${p12}:${password}`], fix: flagFix(p12) },
    { label: 'doctor --json', args: ['doctor', '--cert', `${p12}:${password}`, '--json'], fix: flagFix(p12) },
    { label: 'doctor --ci (GitHub) --junit', args: ['doctor', '--cert', `client.pem:${password}`, '--ci', '--junit', junit], env: { GITHUB_ACTIONS: 'true' }, fix: flagFix('client.pem') },
  ];
  await inPairs(cases, async (c) => {
    const result = await runCli(c.args, { cwd: dir, ...(c.env ? { env: c.env } : {}) });
    noStackOrInternalError(c.label, result);
    const said = result.stdout + result.stderr + (c.args.includes('--junit') ? readFileSync(junit, 'utf8') : '');
    assert.ok(!said.includes(password.slice(7)), `${c.label}: the password is in the output:\n${said}`);
    assert.match(said, /MTLS_CERT_PASSWORD_IN_VALUE/, c.label);
    assert.ok(said.includes(c.fix), `${c.label}: no fix naming the file:\n${said}`);
    if (c.args.includes('--ci')) assert.match(result.stdout, /^::error file=client\.pem,title=MTLS_CERT_PASSWORD_IN_VALUE::/m, result.stdout);
    if (c.args.includes('--junit')) assert.match(readFileSync(junit, 'utf8'), /type="MTLS_CERT_PASSWORD_IN_VALUE"/);
  });
  // A Windows drive letter is not the curl form, and a missing path with no key's shape is still named.
  const drive = await runCli(['request', URL, '--cert', 'C:\\certs\\client.pem', '--key', './missing.key'], { cwd: dir });
  assert.equal(drive.code, 2, drive.stderr);
  assert.match(drive.stderr, /MTLS_FILE_NOT_FOUND[\s\S]*C:\\certs\\client\.pem: no such file \(from --cert\)/);
  const missing = await runCli(['request', URL, '--cert', CERT, '--key', './missing.key', '--json'], { cwd: dir });
  assert.equal(parseJson(missing.stdout)?.error?.details?.path, './missing.key');
  assert.match(missing.stderr, /\.\/missing\.key: no such file \(from --key\)/);
});

test('an inline key on the command line (PEM or base64, --key or --cert) is warned about once, with the fix; from the environment it is not', async () => {
  const certAndKey = readFileSync(fixture('client-cert-and-key.pem'), 'utf8');
  const warning = /warning: the private key itself was given on the command line \((--key|--cert|an argument)\)/;
  for (const [label, args] of [
    ['--key PEM', ['request', URL, '--cert', CERT, '--key', KEY_PEM, '--connect-timeout', '2']],
    ['--key base64', ['request', URL, '--cert', CERT, '--key', Buffer.from(KEY_PEM).toString('base64'), '--connect-timeout', '2']],
    ['--cert PEM holding the key', ['request', URL, '--cert', certAndKey, '--connect-timeout', '2']],
    ['inspect argument', ['inspect', KEY_PEM]],
  ] as const) {
    const result = await runCli([...args], { cwd: dir });
    noStackOrInternalError(label, result);
    assert.match(result.stderr, warning, `${label}: ${result.stderr}`);
    assert.equal(result.stderr.match(/the private key itself was given/g)?.length, 1, `${label}: warned more than once`);
    assert.equal(leakedPiece(result.stderr, base64Pieces(KEY_PEM.replace(/-----[A-Z ]+-----/g, ''))), null, label);
  }
  assert.match((await runCli(['request', URL, '--cert', CERT, '--key', KEY_PEM], { cwd: dir })).stderr, /prefer `--key -` with the key on standard input, a file readable only by you, or MTLS_KEY_PATH/);
  const fromEnv = await runCli(['request', URL, '--cert', CERT, '--connect-timeout', '2'], { cwd: dir, env: { MTLS_KEY_PATH: KEY_PEM } });
  assert.doesNotMatch(fromEnv.stderr, /given on the command line/);
  const fromFile = await runCli(['request', URL, '--cert', CERT, '--key', fixture('client-key-pkcs8.pem'), '--connect-timeout', '2'], { cwd: dir });
  assert.doesNotMatch(fromFile.stderr, /given on the command line/);
  // serve hands its flags to its own loader, and reads no MTLS_* variables: the fix says so.
  const serve = await spawnServe(['--cert', fixture('server-fullchain.pem'), '--key', readFileSync(fixture('server-key-pkcs8.pem'), 'utf8'), '--client-ca', fixture('root-ca.pem'), '--port', String(await freePort())]);
  serve.signal('SIGTERM');
  await serve.exited();
  assert.match(serve.stderr(), /warning: the private key itself was given on the command line \(--key\)[^\n]*prefer `--key -` with the key on standard input, or a file readable only by you\./, serve.stderr());
  // doctor reports it as a warning finding, as it does a literal --pass.
  const doctor = parseJson((await runCli(['doctor', '--cert', CERT, '--key', KEY_PEM, '--json'], { cwd: dir })).stdout);
  const finding = doctor?.checks?.find((check: { id: string }) => check.id === 'key-permissions');
  assert.equal(finding?.status, 'warn');
  assert.equal(finding?.code, 'MTLS_KEY_ON_COMMAND_LINE');
});

test('-H errors name the header, never its value; a line break in a value is a usage error, not a crash', async () => {
  const token = `tok-${randomBytes(8).toString('hex')}`;
  for (const [header, shown] of [
    [`Authorization Bearer ${token}`, '-H "Authorization …" (the 1st -H, '],
    [`Bearer ${token}`, '-H "Bearer …"'],
    [token, '-H (the 1st -H, '],
    [`X-Api-Key ${token}: x`, '-H "X-Api-Key …"'],
    [`X-Token: ${token}\r\nX-Injected: 1`, '-H "X-Token: …"'],
  ] as const) {
    for (const json of [false, true]) {
      const result = await runCli(['request', URL, '-H', header, ...(json ? ['--json'] : [])], { cwd: dir });
      noStackOrInternalError(header, result);
      assert.equal(result.code, 2, `${JSON.stringify(header)}: exit ${result.code}: ${result.stderr}`);
      assert.ok(!(result.stdout + result.stderr).includes(token.slice(4)), `${JSON.stringify(header)}: the value is echoed: ${result.stderr}`);
      assert.ok(result.stderr.includes(shown), `${JSON.stringify(header)}: ${result.stderr}`);
    }
  }
});

test('./mtls.config.json that sets the trusted CAs says so: one note without -v, the file and its fields (no values) with -v', async () => {
  const project = tempDir('mtls-echo-config-');
  const caPass = `pass-${randomBytes(6).toString('hex')}`;
  writeFileSync(join(project, 'mtls.config.json'), JSON.stringify({ mtls: { ca: fixture('root-ca.pem'), passphrase: caPass }, targets: { [`127.0.0.1:${closedPort}`]: { cert: CERT, key: fixture('client-key-pkcs8.pem') } } }));
  const plain = await runCli(['request', URL, '--connect-timeout', '2'], { cwd: project });
  noStackOrInternalError('request', plain);
  assert.match(plain.stderr, /^note: the trusted CAs come from \S*mtls\.config\.json \("mtls"\.ca\), found in the current directory, instead of the system's roots; pass --cacert/m, plain.stderr);
  assert.equal(plain.stderr.match(/the trusted CAs come from/g)?.length, 1);
  const verbose = await runCli(['request', URL, '-v', '--connect-timeout', '2'], { cwd: project });
  assert.match(verbose.stderr, /^\* config\s+\S*mtls\.config\.json \(found in the current directory; no --config was given\): set cert from targets\["127\.0\.0\.1:\d+"\], key from targets\["127\.0\.0\.1:\d+"\], ca from "mtls", passphrase from "mtls"$/m, verbose.stderr);
  assert.ok(!verbose.stderr.includes(caPass) && !verbose.stderr.includes(fixture('root-ca.pem')), 'values are in the -v line');
  // Named with --config, or overridden by --cacert: nothing surprising to say.
  const named = await runCli(['request', URL, '--config', 'mtls.config.json', '--connect-timeout', '2'], { cwd: project });
  assert.doesNotMatch(named.stderr, /trusted CAs come from/);
  const overridden = await runCli(['request', URL, '--cacert', fixture('root-ca.pem'), '--connect-timeout', '2'], { cwd: project });
  assert.doesNotMatch(overridden.stderr, /trusted CAs come from/);
  // chain verify trusts the config's CA in the same way.
  const chain = await runCli(['chain', 'verify', fixture('client-chain-in-order.pem')], { cwd: project });
  assert.match(chain.stderr, /the trusted CAs come from \S*mtls\.config\.json/);
});

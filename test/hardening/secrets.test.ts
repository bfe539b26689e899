import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runInProcess, type InProcessResult } from '../helpers/in-process.js';
import { runCli } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { spawnServe } from '../net/serve-helpers.js';
import { FIXTURE_PASS, FIXTURES } from './corpus.js';

/**
 * Every command that takes a passphrase or a key, with known passphrases given every way there
 * is (literal, env:, file:, stdin, MTLS_KEY_PASSPHRASE, a config file's {env:}), right and
 * wrong, in human, -v and --json modes: no passphrase, no private-key PEM and no piece of a
 * key's base64 may appear in stdout or stderr.
 */
const dir = tempDir('mtls-secrets-');
const unique = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;
const KEY_PASS = unique('keypass');
const P12_PASS = unique('p12pass');
const WRONG_PASS = unique('wrongpass');
const PASSPHRASES = [KEY_PASS, P12_PASS, WRONG_PASS, FIXTURE_PASS];
const pki = join(dir, 'pki');
const at = (...parts: string[]) => join(dir, ...parts);

interface Recorded {
  label: string;
  result: InProcessResult;
}
const outputs: Recorded[] = [];
let counter = 0;
const next = () => ++counter;

/** Runs in-process and keeps the output for the leak check at the end. */
async function record(label: string, args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<InProcessResult> {
  const result = await runInProcess(args, { cwd: dir, ...options });
  outputs.push({ label: `${label}: mtls ${args.join(' ')}`, result });
  return result;
}

async function must(args: string[], env: Record<string, string> = {}): Promise<void> {
  const result = await runInProcess(args, { cwd: dir, env });
  assert.equal(result.code, 0, `mtls ${args.join(' ')}: ${result.stderr}`);
  outputs.push({ label: `setup: mtls ${args.join(' ')}`, result });
}

/** How a passphrase reaches the command; each gives the flags, environment and stdin to use. */
interface Delivery {
  name: string;
  /** Commands without --config cannot use the config delivery. */
  needsConfig?: boolean;
  /** Through the environment rather than a flag: commands whose flag is not --pass cannot use it. */
  viaEnv?: boolean;
  give(secret: string, flag: string): { args: string[]; env: Record<string, string>; stdin?: string };
}

const deliveries: Delivery[] = [
  { name: 'literal', give: (secret, flag) => ({ args: [flag, secret], env: {} }) },
  { name: 'env:', give: (secret, flag) => ({ args: [flag, 'env:SECRET_PASS'], env: { SECRET_PASS: secret } }) },
  {
    name: 'file:',
    give: (secret, flag) => {
      const path = at(`pass-${next()}.txt`);
      writeFileSync(path, `${secret}\n`, { mode: 0o600 });
      return { args: [flag, `file:${path}`], env: {} };
    },
  },
  { name: 'stdin', give: (secret, flag) => ({ args: [flag, 'stdin'], env: {}, stdin: `${secret}\n` }) },
  { name: 'MTLS_KEY_PASSPHRASE', viaEnv: true, give: (secret) => ({ args: [], env: { MTLS_KEY_PASSPHRASE: secret } }) },
  {
    name: 'config {env:}',
    needsConfig: true,
    viaEnv: true,
    give: (secret) => {
      const path = at(`config-${next()}.json`);
      writeFileSync(path, JSON.stringify({ mtls: { passphrase: '{env:CONFIG_PASS}' } }));
      return { args: ['--config', path], env: { CONFIG_PASS: secret } };
    },
  },
];

interface Command {
  name: string;
  /** The command line without the passphrase; called once per run (write commands need fresh names). */
  args(): Promise<string[]> | string[];
  /** The flag the passphrase goes to (null: the command has none; only the environment can carry it), and the right passphrase. */
  flag: string | null;
  secret: string;
  /** Extra passphrase flags that always carry the right value (p12 export's --pass for the new file). */
  fixed?: () => string[];
  config?: boolean;
  verbose?: boolean;
  /** The exit code with the right passphrase given by env: (proves the secret was used). */
  okExit: number;
  /** Any passphrase is accepted: it protects something new, or nothing here needs it. */
  anyPassphrase?: boolean;
}

// Set up at the top level: a peer started inside a before() hook is stopped when that hook ends.
await must(['ca', 'init', '--dir', pki, '--encrypt-key', '--pass', 'env:KEY_PASS'], { KEY_PASS });
await must(['ca', 'intermediate', '--dir', pki, '--encrypt-key', '--pass', 'env:KEY_PASS'], { KEY_PASS });
await must(['issue', 'server', 'localhost', '--dir', pki, '--san', 'localhost', '--san', 'IP:127.0.0.1', '--pass', 'env:KEY_PASS'], { KEY_PASS });
await must(['issue', 'client', 'alice', '--dir', pki, '--pass', 'env:KEY_PASS', '--p12', '--p12-pass', 'env:P12_PASS'], { KEY_PASS, P12_PASS });
// alice's key, encrypted with the key passphrase, as clients keep it.
writeFileSync(at('alice-encrypted.key'), createPrivateKey(readFileSync(join(pki, 'alice.key'))).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: KEY_PASS }), { mode: 0o600 });
const closedPort = await freePort(); // nothing listens there
const server = await startOpenSslServer({ cert: join(pki, 'localhost.crt'), chain: join(pki, 'intermediate.crt'), key: join(pki, 'localhost.key'), clientCa: join(pki, 'ca.crt'), clientAuth: 'require' });

const credentials = () => ['--cert', join(pki, 'alice.crt'), '--key', at('alice-encrypted.key'), '--cacert', join(pki, 'ca.crt')];
const caDirCopy = () => {
  const copy = at(`ca-${next()}`);
  mkdirSync(copy);
  for (const name of ['ca.crt', 'ca.key']) copyFileSync(join(pki, name), join(copy, name));
  return copy;
};

const commands: Command[] = [
  { name: 'inspect key', args: () => ['inspect', at('alice-encrypted.key')], flag: '--pass', secret: KEY_PASS, config: true, okExit: 0 },
  { name: 'inspect p12', args: () => ['inspect', join(pki, 'alice.p12')], flag: '--pass', secret: P12_PASS, config: true, okExit: 0 },
  { name: 'inspect fixture key', args: () => ['inspect', join(FIXTURES, 'client-key-sec1-traditional-encrypted-aes128.pem')], flag: '--pass', secret: FIXTURE_PASS, config: true, okExit: 0 },
  { name: 'p12 inspect', args: () => ['p12', 'inspect', join(FIXTURES, 'client-legacy-rc2-3des.p12')], flag: '--pass', secret: FIXTURE_PASS, okExit: 0 },
  { name: 'match', args: () => ['match', join(pki, 'alice.crt'), at('alice-encrypted.key')], flag: '--pass', secret: KEY_PASS, okExit: 0 },
  { name: 'match p12', args: () => ['match', join(FIXTURES, 'client-modern-aes256.p12')], flag: '--pass', secret: FIXTURE_PASS, okExit: 0 },
  { name: 'chain verify', args: () => ['chain', 'verify', join(FIXTURES, 'client-cert-and-key.pem'), '--cacert', join(FIXTURES, 'root-ca.pem'), '--untrusted', join(FIXTURES, 'intermediate-ca.pem')], flag: null, secret: FIXTURE_PASS, okExit: 0, anyPassphrase: true },
  { name: 'request (closed port)', args: () => ['request', `https://127.0.0.1:${closedPort}/`, ...credentials()], flag: '--pass', secret: KEY_PASS, config: true, verbose: true, okExit: 1 },
  { name: 'request (openssl s_server)', args: () => ['request', server.url, ...credentials()], flag: '--pass', secret: KEY_PASS, config: true, verbose: true, okExit: 0 },
  { name: 'doctor', args: () => ['doctor', ...credentials()], flag: '--pass', secret: KEY_PASS, config: true, okExit: 0 },
  { name: 'doctor URL', args: () => ['doctor', server.url, ...credentials()], flag: '--pass', secret: KEY_PASS, config: true, okExit: 0 },
  { name: 'expiry', args: () => ['expiry', pki], flag: '--pass', secret: P12_PASS, okExit: 0, anyPassphrase: true },
  { name: 'csr', args: () => ['csr', `csr-${next()}`, '--dir', at('csrs')], flag: '--pass', secret: KEY_PASS, okExit: 0, anyPassphrase: true },
  {
    name: 'sign',
    args: async () => {
      const name = `signed-${next()}`;
      await must(['csr', name, '--dir', at('csrs')]);
      return ['sign', join(at('csrs'), `${name}.csr`), '--client', '--dir', pki, '--out', at('csrs', `${name}.crt`)];
    },
    flag: '--pass',
    secret: KEY_PASS,
    okExit: 0,
  },
  { name: 'issue client', args: () => ['issue', 'client', `bob-${next()}`, '--dir', pki, '--p12'], flag: '--pass', secret: KEY_PASS, fixed: () => ['--p12-pass', P12_PASS], okExit: 0 },
  { name: 'issue p12 password', args: () => ['issue', 'client', `carol-${next()}`, '--dir', pki, '--p12', '--pass', 'env:FIXED_KEY_PASS'], flag: '--p12-pass', secret: P12_PASS, okExit: 0, anyPassphrase: true },
  {
    name: 'renew',
    args: async () => {
      const name = `renewed-${next()}`;
      await must(['issue', 'client', name, '--dir', pki, '--pass', 'env:KEY_PASS'], { KEY_PASS });
      return ['renew', join(pki, `${name}.crt`), '--dir', pki];
    },
    flag: '--pass',
    secret: KEY_PASS,
    okExit: 0,
  },
  { name: 'ca intermediate', args: () => ['ca', 'intermediate', '--dir', caDirCopy(), '--encrypt-key'], flag: '--pass', secret: KEY_PASS, okExit: 0 },
  { name: 'ca init', args: () => ['ca', 'init', '--dir', at(`new-ca-${next()}`), '--encrypt-key'], flag: '--pass', secret: KEY_PASS, okExit: 0, anyPassphrase: true },
  { name: 'p12 export (key passphrase)', args: () => ['p12', 'export', ...credentials(), '--out', at(`export-${next()}.p12`)], flag: '--key-pass', secret: KEY_PASS, fixed: () => ['--pass', P12_PASS], okExit: 0 },
  { name: 'p12 export (file password)', args: () => ['p12', 'export', ...credentials(), '--out', at(`export-${next()}.p12`), '--key-pass', 'env:FIXED_KEY_PASS'], flag: '--pass', secret: P12_PASS, okExit: 0, anyPassphrase: true },
];

test('every command, every way of giving the passphrase, right and wrong, human/-v/--json: the run completes without a stack trace', async (t) => {
  const problems: string[] = [];
  for (const command of commands) {
    for (const delivery of deliveries) {
      if (delivery.needsConfig && !command.config) continue;
      if (delivery.viaEnv ? command.flag !== '--pass' && command.flag !== null : command.flag === null) continue;
      for (const secret of [command.secret, WRONG_PASS]) {
        for (const mode of ['human', '--json', ...(command.verbose ? ['-v'] : [])]) {
          const given = delivery.give(secret, command.flag ?? '--pass'); // a null flag gets only environment deliveries
          const args = [...(await command.args()), ...given.args, ...(command.fixed?.() ?? []), ...(mode === 'human' ? [] : [mode])];
          const env = { ...given.env, FIXED_KEY_PASS: KEY_PASS };
          const result = await record(`${command.name} [${delivery.name}, ${secret === WRONG_PASS ? 'wrong' : 'right'}, ${mode}]`, args, { env, ...(given.stdin ? { stdin: given.stdin } : {}) });
          if (result.code === 3 || /internal error/.test(result.stderr)) problems.push(`${command.name} [${delivery.name}, ${mode}]: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
          const proof = secret === command.secret && delivery.name === (command.flag === null ? 'MTLS_KEY_PASSPHRASE' : 'env:') && mode === 'human';
          if (proof && result.code !== command.okExit) problems.push(`${command.name}: exit ${result.code} with the right passphrase (expected ${command.okExit}): ${result.stderr.slice(0, 400)}`);
          if (secret === WRONG_PASS && result.code === 0 && !command.anyPassphrase) {
            problems.push(`${command.name} [${delivery.name}, ${mode}]: exit 0 with a wrong passphrase`);
          }
        }
      }
    }
  }
  t.diagnostic(`${outputs.length} in-process runs`);
  assert.deepEqual(problems, []);
});

test('a few as real processes: wrong passphrase, literal and env:, with and without --json', async () => {
  for (const args of [
    ['inspect', at('alice-encrypted.key'), '--pass', WRONG_PASS],
    ['match', join(pki, 'alice.crt'), at('alice-encrypted.key'), '--pass', 'env:SECRET_PASS', '--json'],
    ['request', server.url, ...credentials(), '--pass', WRONG_PASS, '-v'],
    ['issue', 'client', 'dave', '--dir', pki, '--pass', WRONG_PASS, '--json'],
    ['p12', 'inspect', join(pki, 'alice.p12'), '--pass', 'env:SECRET_PASS'],
  ]) {
    const result = await runCli(args, { cwd: dir, env: { SECRET_PASS: WRONG_PASS } });
    outputs.push({ label: `process: mtls ${args.join(' ')}`, result });
    assert.ok([1, 2].includes(result.code), `mtls ${args.join(' ')}: exit ${result.code}: ${result.stderr}`);
  }
});

test('mtls serve with an encrypted key: what it prints, and what a refused and an accepted client see', async () => {
  const passFile = at('serve-pass.txt');
  writeFileSync(passFile, KEY_PASS, { mode: 0o600 });
  const serverKey = at('server-encrypted.key');
  writeFileSync(serverKey, createPrivateKey(readFileSync(join(pki, 'localhost.key'))).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: KEY_PASS }));
  const port = await freePort();
  const serve = await spawnServe(['--cert', join(pki, 'localhost.crt'), '--key', serverKey, '--client-ca', join(pki, 'ca.crt'), '--pass', `file:${passFile}`, '--port', String(port), '--json']);
  await record('request to serve', ['request', serve.url, ...credentials(), '--pass', KEY_PASS, '-v', '-k']);
  await record('request to serve, wrong key passphrase', ['request', serve.url, ...credentials(), '--pass', WRONG_PASS, '-k']);
  await record('request to serve, no client certificate', ['request', serve.url, '-k', '-v']);
  serve.signal('SIGTERM');
  await serve.exited();
  outputs.push({ label: 'mtls serve', result: { code: 0, stdout: serve.stdout(), stderr: serve.stderr() } });
  // And a wrong passphrase for the server's own key.
  const refused = await runCli(['serve', '--cert', join(pki, 'localhost.crt'), '--key', serverKey, '--pass', WRONG_PASS, '--port', String(port)], { cwd: dir });
  outputs.push({ label: 'mtls serve, wrong passphrase', result: refused });
  assert.equal(refused.code, 2, refused.stderr);
});

test('no output holds a passphrase, a private-key PEM, or any piece of a key', () => {
  const keyPieces = privateKeyPieces(dir);
  assert.ok(keyPieces.size > 100, `only ${keyPieces.size} key pieces collected`);
  assert.ok(outputs.length > 300, `only ${outputs.length} runs recorded`);
  const leaks: string[] = [];
  for (const { label, result } of outputs) {
    const text = result.stdout + result.stderr;
    for (const passphrase of PASSPHRASES) if (text.includes(passphrase)) leaks.push(`${label}: the passphrase ${passphrase}`);
    if (/PRIVATE KEY-----/.test(text)) leaks.push(`${label}: a private-key PEM`);
    const compact = text.replace(/\\n|\s+/g, '');
    for (const piece of keyPieces) {
      if (compact.includes(piece)) {
        leaks.push(`${label}: a piece of a private key (${piece})`);
        break;
      }
    }
  }
  assert.deepEqual(leaks, []);
});

/** 20-character windows of the base64 of every private key written under DIR (keys in PEM files). */
function privateKeyPieces(root: string): Set<string> {
  const pieces = new Set<string>();
  const files = [...walk(root), ...walk(FIXTURES)];
  for (const file of files) {
    const text = readFileSync(file, 'latin1');
    for (const match of text.matchAll(/-----BEGIN ([A-Z ]*PRIVATE KEY)-----([\s\S]*?)-----END \1-----/g)) {
      const base64 = (match[2] ?? '').split('\n').filter((line) => !line.includes(':')).join('').replace(/\s+/g, '');
      for (let i = 0; i + 20 <= base64.length; i += 20) pieces.add(base64.slice(i, i + 20));
    }
  }
  return pieces;
}

function walk(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

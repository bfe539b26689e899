import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeCredential } from '../../src/core/load/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Keys and certificates on disk are never half-written: a write killed at any moment leaves the
 * old file or none (or, with --force, the old file or the complete new one), and no write
 * replaces an existing file without --force.
 */
const dir = tempDir('mtls-file-safety-');
const P12_PASS = 'file-safety-p12';
const env = { P12_PASS };

// One CA, copied into a fresh folder for every run.
const template = join(dir, 'template');
for (const args of [['ca', 'init', '--dir', template], ['issue', 'client', 'alice', '--dir', template, '--p12', '--p12-pass', 'env:P12_PASS'], ['csr', 'bob', '--dir', template]]) {
  const result = await runInProcess(args, { env });
  assert.equal(result.code, 0, result.stderr);
}
let runs = 0;
const freshCopy = (what: 'ca' | 'all') => {
  const copy = join(dir, `run-${++runs}`);
  if (what === 'all') cpSync(template, copy, { recursive: true });
  else {
    mkdirSync(copy);
    for (const name of ['ca.crt', 'ca.key']) copyFileSync(join(template, name), join(copy, name));
  }
  return copy;
};

/**
 * Starts the real CLI, waits until it starts writing into FOLDER (a staging file or a final name
 * appears), then SIGKILLs it `delayMs` later: the moments where a write can be cut in half.
 */
async function killWhileWriting(args: string[], folder: string, targets: string[], delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout.resume();
  child.stderr.resume();
  child.stdin.end();
  const exited = once(child, 'exit');
  let done = false;
  void exited.then(() => (done = true));
  const writing = () => {
    try {
      return readdirSync(folder).some((name) => name.endsWith('.tmp') || targets.includes(name));
    } catch {
      return false; // the folder is not there yet
    }
  };
  while (!done && !writing()) await new Promise((resolve) => setImmediate(resolve));
  if (delayMs > 0) await sleep(delayMs);
  child.kill('SIGKILL');
  await exited;
}

/** Right at the start of writing, then later and later into it. */
const KILL_DELAYS_MS = [0, 0, 0, 1, 1, 2, 3, 5, 8, 13, 21, 40];

/** What is wrong with the files in FOLDER: any final name that does not hold a complete, readable object. */
function incompleteFiles(folder: string): string[] {
  const problems: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    const mode = statSync(path).mode & 0o777;
    try {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        // A staging file a kill left behind: never under a final name, and private from the start.
        if (mode !== 0o600 && /\.(key|p12)\./.test(name)) problems.push(`${name}: staging file of a secret is mode ${mode.toString(8)}`);
      } else if (name.endsWith('.key')) {
        createPrivateKey(readFileSync(path));
        if (mode !== 0o600) problems.push(`${name}: mode ${mode.toString(8)}`);
      } else if (name.endsWith('.crt')) {
        const text = readFileSync(path, 'utf8');
        if (!text.trimEnd().endsWith('-----END CERTIFICATE-----')) throw new Error('does not end with a whole certificate');
        new X509Certificate(readFileSync(path));
      } else if (name.endsWith('.p12')) {
        decodeCredential({ bytes: readFileSync(path), origin: name, fromBase64: false }, { format: 'P12', passphrase: { origin: 'env:P12_PASS', value: P12_PASS } });
      } else if (name.endsWith('.csr')) {
        decodeCredential({ bytes: readFileSync(path), origin: name, fromBase64: false });
      }
    } catch (error) {
      problems.push(`${name}: incomplete or unreadable (${(error as Error).message})`);
    }
  }
  return problems;
}

test('a key write killed at any moment leaves complete files or none (issue client --p12, ca init)', async (t) => {
  const problems: string[] = [];
  const outcomes = { none: 0, some: 0, all: 0 };
  const targets = ['alice.key', 'alice.crt', 'alice.p12'];
  for (const delay of KILL_DELAYS_MS) {
    const folder = freshCopy('ca');
    await killWhileWriting(['issue', 'client', 'alice', '--dir', folder, '--p12', '--p12-pass', 'env:P12_PASS'], folder, targets, delay);
    problems.push(...incompleteFiles(folder).map((p) => `issue killed ${delay} ms into writing: ${p}`));
    const written = targets.filter((name) => readdirSync(folder).includes(name)).length;
    outcomes[written === 0 ? 'none' : written === targets.length ? 'all' : 'some']++;
  }
  for (const delay of KILL_DELAYS_MS.filter((_, i) => i % 2 === 0)) {
    const folder = join(dir, `ca-kill-${++runs}`);
    await killWhileWriting(['ca', 'init', '--dir', folder], folder, ['ca.key', 'ca.crt'], delay);
    problems.push(...incompleteFiles(folder).map((p) => `ca init killed ${delay} ms into writing: ${p}`));
  }
  t.diagnostic(`issue killed while writing: ${outcomes.none} runs left no file in place, ${outcomes.some} some, ${outcomes.all} all`);
  assert.deepEqual(problems, []);
});

test('with --force, a killed replacement leaves each file either the old one byte for byte or the complete new one', async (t) => {
  const problems: string[] = [];
  let replaced = 0;
  const targets = ['alice.key', 'alice.crt', 'alice.p12'];
  for (const delay of KILL_DELAYS_MS) {
    const folder = freshCopy('all');
    const before = new Map(targets.map((name) => [name, readFileSync(join(folder, name))]));
    // Existing targets are there from the start: wait for the staging files instead.
    await killWhileWriting(['issue', 'client', 'alice', '--dir', folder, '--p12', '--p12-pass', 'env:P12_PASS', '--force'], folder, [], delay);
    problems.push(...incompleteFiles(folder).map((p) => `killed ${delay} ms into writing: ${p}`));
    for (const [name, old] of before) {
      // incompleteFiles proved that what is there is complete; the old file must not vanish.
      if (!readdirSync(folder).includes(name)) problems.push(`killed ${delay} ms into writing: ${name} is gone`);
      else if (!readFileSync(join(folder, name)).equals(old)) replaced++;
    }
  }
  t.diagnostic(`${KILL_DELAYS_MS.length} runs, ${replaced} of ${KILL_DELAYS_MS.length * targets.length} files found replaced by complete new ones`);
  assert.deepEqual(problems, []);
});

/** Every file under FOLDER with its bytes, to prove a refused command wrote nothing. */
function snapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(folder, path), readFileSync(path).toString('base64'));
    }
  };
  walk(folder);
  return files;
}

test('no write command replaces an existing file without --force: exit 2, and nothing at all is written', async () => {
  const sentinel = 'an existing file that must survive\n';
  const cases: { name: string; existing: string[]; args: (folder: string) => string[] }[] = [
    { name: 'ca init over a CA', existing: [], args: (f) => ['ca', 'init', '--dir', f] },
    { name: 'ca init where only ca.key exists', existing: ['fresh/ca.key'], args: (f) => ['ca', 'init', '--dir', join(f, 'fresh')] },
    { name: 'ca intermediate where only intermediate.key exists', existing: ['intermediate.key'], args: (f) => ['ca', 'intermediate', '--dir', f] },
    { name: 'issue client over alice', existing: [], args: (f) => ['issue', 'client', 'alice', '--dir', f] },
    { name: 'issue server where only its key exists', existing: ['web.key'], args: (f) => ['issue', 'server', 'web', '--dir', f] },
    { name: 'issue client --p12 where only the .p12 exists', existing: ['carol.p12'], args: (f) => ['issue', 'client', 'carol', '--dir', f, '--p12', '--p12-pass', 'env:P12_PASS'] },
    { name: 'csr where only the .csr exists', existing: ['dave.csr'], args: (f) => ['csr', 'dave', '--dir', f] },
    { name: 'csr where only the .key exists', existing: ['erin.key'], args: (f) => ['csr', 'erin', '--dir', f] },
    { name: 'sign onto an existing --out', existing: ['bob-signed.crt'], args: (f) => ['sign', join(f, 'bob.csr'), '--client', '--dir', f, '--out', join(f, 'bob-signed.crt')] },
    { name: 'sign onto the default output', existing: ['bob.crt'], args: (f) => ['sign', join(f, 'bob.csr'), '--client', '--dir', f] },
    { name: 'p12 export onto an existing --out', existing: ['out.p12'], args: (f) => ['p12', 'export', '--cert', join(f, 'alice.crt'), '--key', join(f, 'alice.key'), '--out', join(f, 'out.p12'), '--pass', 'env:P12_PASS'] },
    { name: 'chain build onto an existing --out', existing: ['chain.pem'], args: (f) => ['chain', 'build', join(f, 'alice.crt'), '--from', f, '--out', join(f, 'chain.pem')] },
  ];
  const problems: string[] = [];
  for (const [i, { name, existing, args }] of cases.entries()) {
    const folder = freshCopy('all');
    for (const path of existing) {
      mkdirSync(join(folder, path, '..'), { recursive: true });
      writeFileSync(join(folder, path), sentinel);
    }
    const before = snapshot(folder);
    const result = await runInProcess([...args(folder), ...(i % 2 === 0 ? ['--json'] : [])], { env });
    if (result.code !== 2) problems.push(`${name}: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
    if (!/MTLS_(FILE|CA)_EXISTS/.test(result.stdout + result.stderr)) problems.push(`${name}: not refused as an existing file: ${result.stderr.slice(0, 300)}`);
    assert.deepEqual(snapshot(folder), before, `${name}: files changed`);
  }
  assert.deepEqual(problems, []);
});

test('a dangling symlink at any target is an existing file: exit 2, no new key, no staging file, the link untouched', async () => {
  const cases: { name: string; link: string; args: (folder: string) => string[] }[] = [
    { name: 'ca init, ca.crt dangling', link: 'fresh/ca.crt', args: (f) => ['ca', 'init', '--dir', join(f, 'fresh')] },
    { name: 'ca init, ca.key dangling', link: 'fresh/ca.key', args: (f) => ['ca', 'init', '--dir', join(f, 'fresh')] },
    { name: 'issue client --p12, the .crt dangling', link: 'carol.crt', args: (f) => ['issue', 'client', 'carol', '--dir', f, '--p12', '--p12-pass', 'env:P12_PASS'] },
    { name: 'issue server, the .key dangling', link: 'web.key', args: (f) => ['issue', 'server', 'web', '--dir', f] },
    { name: 'csr, the .csr dangling', link: 'dave.csr', args: (f) => ['csr', 'dave', '--dir', f] },
  ];
  const problems: string[] = [];
  for (const { name, link, args } of cases) {
    const folder = freshCopy('all');
    mkdirSync(join(folder, link, '..'), { recursive: true });
    symlinkSync(join(folder, 'nowhere'), join(folder, link));
    const listing = () => readdirSync(folder, { recursive: true }).map(String).sort();
    const before = listing();
    const result = await runInProcess(args(folder), { env });
    if (result.code !== 2) problems.push(`${name}: exit ${result.code}: ${result.stderr.slice(0, 300)}`);
    if (!/MTLS_(FILE|CA)_EXISTS/.test(result.stderr)) problems.push(`${name}: not refused as an existing file: ${result.stderr.slice(0, 300)}`);
    const after = listing();
    if (after.join('\n') !== before.join('\n')) problems.push(`${name}: left behind ${after.filter((f) => !before.includes(f)).join(', ')}`);
    if (!lstatSync(join(folder, link)).isSymbolicLink()) problems.push(`${name}: the link was replaced`);
  }
  assert.deepEqual(problems, []);
});

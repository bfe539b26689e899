import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeOutputFile } from '../../src/core/fs/write.js';
import { MtlsError } from '../../src/core/errors.js';
import { writeOutputs } from '../../src/core/pki/output.js';
import { tempDir } from '../helpers/tmp.js';

const code = (error: unknown) => (error instanceof MtlsError ? error.code : String(error));

test('keys: written 0600, never over an existing file without force, replaced with it, no temporary left', async () => {
  const dir = tempDir();
  const key = join(dir, 'a.key');
  await writeFileAtomic(key, 'one', { mode: 0o600 });
  assert.equal(statSync(key).mode & 0o777, 0o600);
  await assert.rejects(writeFileAtomic(key, 'two', { mode: 0o600 }), (e) => code(e) === 'MTLS_FILE_EXISTS');
  assert.equal(readFileSync(key, 'utf8'), 'one');
  await writeFileAtomic(key, 'three', { mode: 0o600, force: true });
  assert.equal(readFileSync(key, 'utf8'), 'three');
  mkdirSync(join(dir, 'folder.key'));
  await assert.rejects(writeFileAtomic(join(dir, 'folder.key'), 'x', { mode: 0o600, force: true }), (e) => code(e) === 'MTLS_WRITE_FAILED');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a device or FIFO is never renamed over (that is how /dev/null gets destroyed)', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(writeFileAtomic(fifo, 'key bytes', { mode: 0o600, force: true }), (e) => code(e) === 'MTLS_WRITE_FAILED');
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
});

test('an output pointed at a FIFO or device (curl -o /dev/null) is written into, not replaced', async () => {
  const dir = tempDir();
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const received = new Promise<string>((resolve) => {
    let text = '';
    createReadStream(fifo, 'utf8').on('data', (d) => (text += d)).on('end', () => resolve(text));
  });
  await writeOutputFile(fifo, 'response body', { mode: 0o600 });
  assert.equal(await received, 'response body');
  assert.ok(lstatSync(fifo).isFIFO());
  // A regular file is replaced atomically, as curl replaces -o files.
  writeFileSync(join(dir, 'out.txt'), 'old');
  await writeOutputFile(join(dir, 'out.txt'), 'new', { mode: 0o600 });
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'new');
});

// Refusals leave nothing behind: no staging file and no new key under any name.
const leftovers = (dir: string, keep: string[]) => readdirSync(dir).filter((name) => !keep.includes(name));

test('a pair whose second target appears between the check and the commit: refused, and the first file is taken back', async () => {
  const dir = tempDir();
  const key = join(dir, 'web.key');
  const cert = join(dir, 'web.crt');
  const intruder = 'written by someone else meanwhile';
  const planned = [
    { path: key, kind: 'private key' as const, data: 'new key' },
    { path: cert, kind: 'certificate' as const, data: 'new certificate' },
  ];
  await assert.rejects(
    writeOutputs(planned, false, { beforeCommit: (path) => (path === cert ? writeFileSync(cert, intruder) : undefined) }),
    (e) => code(e) === 'MTLS_FILE_EXISTS',
  );
  assert.equal(readFileSync(cert, 'utf8'), intruder, 'the file that appeared is left untouched');
  assert.deepEqual(leftovers(dir, ['web.crt']), [], 'no new key and no staging file');
});

test('a target that appears before the first commit: the staged files of the others are removed too', async () => {
  const dir = tempDir();
  const paths = ['a.key', 'a.crt', 'a.p12'].map((name) => join(dir, name));
  const planned = [
    { path: paths[0] as string, kind: 'private key' as const, data: 'k' },
    { path: paths[1] as string, kind: 'certificate' as const, data: 'c' },
    { path: paths[2] as string, kind: 'PKCS#12' as const, data: 'p' },
  ];
  await assert.rejects(
    writeOutputs(planned, false, { beforeCommit: (path) => (path === paths[0] ? writeFileSync(path, 'theirs') : undefined) }),
    (e) => code(e) === 'MTLS_FILE_EXISTS',
  );
  assert.deepEqual(leftovers(dir, ['a.key']), []);
  assert.equal(readFileSync(paths[0] as string, 'utf8'), 'theirs');
});

test('a dangling symlink at a target counts as taken: refused before anything is written', async () => {
  const dir = tempDir();
  for (const [linked, other] of [['b.crt', 'b.key'], ['b.key', 'b.crt']] as const) {
    const link = join(dir, linked);
    symlinkSync(join(dir, 'nowhere'), link);
    const planned = [
      { path: join(dir, 'b.key'), kind: 'private key' as const, data: 'k' },
      { path: join(dir, 'b.crt'), kind: 'certificate' as const, data: 'c' },
    ];
    await assert.rejects(writeOutputs(planned, false), (e) => code(e) === 'MTLS_FILE_EXISTS', linked);
    assert.deepEqual(leftovers(dir, [linked]), [], `${linked} dangling: nothing else written`);
    assert.ok(lstatSync(link).isSymbolicLink(), 'the link itself is left as it was');
    assert.equal(readlinkSync(link), join(dir, 'nowhere'));
    rmSync(link);
    assert.equal(existsSync(other), false);
  }
  // A single file too (chain build --out, the staging file of writeFileAtomic).
  symlinkSync(join(dir, 'nowhere'), join(dir, 'chain.pem'));
  await assert.rejects(writeFileAtomic(join(dir, 'chain.pem'), 'x', { mode: 0o644 }), (e) => code(e) === 'MTLS_FILE_EXISTS');
  assert.deepEqual(leftovers(dir, ['chain.pem']), []);
});

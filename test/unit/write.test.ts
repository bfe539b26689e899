import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeOutputFile } from '../../src/core/fs/write.js';
import { MtlsError } from '../../src/core/errors.js';
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
  await writeOutputFile(fifo, 'response body');
  assert.equal(await received, 'response body');
  assert.ok(lstatSync(fifo).isFIFO());
  // A regular file is replaced atomically, as curl replaces -o files.
  writeFileSync(join(dir, 'out.txt'), 'old');
  await writeOutputFile(join(dir, 'out.txt'), 'new');
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'new');
});

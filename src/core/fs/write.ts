import { constants } from 'node:fs';
import { link, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { makeFolders } from './mkdir.js';

export interface WriteOptions {
  /** 0o600 for private keys and PKCS#12 files; 0o644 for certificates. */
  mode: number;
  /** Replace an existing file. Without it, an existing file is an error and is left untouched. */
  force?: boolean;
}

/** A file written and synced under a temporary name beside its target, not yet in place. */
export interface StagedFile {
  path: string;
  temporary: string;
}

/**
 * Writes a file atomically: a temporary file in the same folder (created with the final mode,
 * so a key is never readable by others, not even for a moment), fsync, then into place. Without
 * `force`, an existing target is refused and left untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions): Promise<void> {
  await assertWritable(path, options.force === true);
  const staged = await stageFile(path, data, options.mode);
  await commitFile(staged, options.force === true);
}

/**
 * Refuses early: an existing file without --force, a folder where the file should go, or a
 * device, FIFO or socket, which a rename would replace (renaming over /dev/null destroys it).
 */
export async function assertWritable(path: string, force: boolean): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (!info) return;
  if (info.isDirectory()) {
    throw new MtlsError('MTLS_WRITE_FAILED', `${path} is a folder; a file cannot be written there.`, { details: { path }, causes: [] });
  }
  if (!info.isFile()) {
    throw new MtlsError('MTLS_WRITE_FAILED', `${path} is a device or special file; mtls writes keys and certificates only to regular files.`, {
      details: { path },
      causes: [],
    });
  }
  if (!force) {
    throw new MtlsError('MTLS_FILE_EXISTS', `${path} already exists; it was left untouched.`, { details: { path }, causes: [] });
  }
}

/**
 * An output a user points anywhere, as curl's -o: a device or FIFO (/dev/null, /dev/stdout, a
 * pipe) is written into; a regular file is replaced atomically. Never for keys.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info && !info.isFile() && !info.isDirectory()) {
    try {
      await writeFile(path, data);
    } catch (error) {
      throw writeFailure(path, error);
    }
    return;
  }
  await writeFileAtomic(path, data, { mode: 0o644, force: true });
}

export async function stageFile(path: string, data: string | Uint8Array, mode: number): Promise<StagedFile> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await makeFolders(dirname(path));
    const handle = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the umask may have narrowed the mode: set it exactly
      await handle.sync();
    } finally {
      await handle.close();
    }
    return { path, temporary };
  } catch (error) {
    await removeQuietly(temporary);
    throw writeFailure(path, error);
  }
}

export async function commitFile(staged: StagedFile, force: boolean): Promise<void> {
  try {
    // link() fails if the target appeared meanwhile, so even a race never overwrites without --force.
    if (force) await rename(staged.temporary, staged.path);
    else await linkOrRename(staged);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MtlsError('MTLS_FILE_EXISTS', `${staged.path} already exists; it was left untouched.`, { details: { path: staged.path }, causes: [] });
    }
    throw writeFailure(staged.path, error);
  } finally {
    await removeQuietly(staged.temporary);
  }
}

/** Some file systems (SMB, some FUSE mounts) have no hard links: there, check, then rename. */
async function linkOrRename(staged: StagedFile): Promise<void> {
  try {
    await link(staged.temporary, staged.path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(code)) throw error;
    if (await exists(staged.path)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(staged.temporary, staged.path);
  }
}

export async function discardStaged(files: StagedFile[]): Promise<void> {
  await Promise.all(files.map((file) => removeQuietly(file.temporary)));
}

/** Clean-up must never hide the error that made it necessary. */
async function removeQuietly(path: string): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
}

function writeFailure(path: string, error: unknown): MtlsError {
  if (error instanceof MtlsError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  const reasons: Record<string, string> = {
    ENOSPC: 'the disk is full',
    EFBIG: 'the file size limit was reached',
    EDQUOT: 'the disk quota is used up',
    EACCES: 'permission denied',
    EPERM: 'the file system refused it',
    EROFS: 'the file system is read-only',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EEXIST: 'a part of the path is a file, not a folder',
    EISDIR: 'the target is a folder',
  };
  return new MtlsError('MTLS_WRITE_FAILED', `${path} cannot be written: ${reasons[code] ?? code}. Nothing was left half-written.`, {
    details: { path, reason: code },
    causes: [],
    cause: error,
  });
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

import { constants } from 'node:fs';
import { link, lstat, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { makeFolders } from './mkdir.js';

export interface WriteOptions {
  /** 0o600 for private keys, PKCS#12 files and response bodies; 0o644 for certificates and reports. */
  mode: number;
  /** Replace an existing file. Without it, an existing file is an error and is left untouched. */
  force?: boolean;
}

/** One file of a set written together (a key and its certificate). */
export interface PlannedWrite {
  path: string;
  data: string | Uint8Array;
  mode: number;
}

/**
 * A seam for tests only: runs just before each staged file is put in place, so a test can make a
 * target appear between the checks and the commit (the race the link() commit exists for).
 */
export interface WriteHooks {
  beforeCommit?: (path: string) => void | Promise<void>;
}

/** A file written and synced under a temporary name beside its target, not yet in place. */
export interface StagedFile {
  path: string;
  temporary: string;
  /** The staged inode: what this run put in place, so a refusal later takes back only its own file. */
  dev: number;
  ino: number;
}

/**
 * Writes a file atomically: a temporary file in the same folder (created with the final mode,
 * so a key is never readable by others, not even for a moment), fsync, then into place. Without
 * `force`, an existing target is refused and left untouched.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions, hooks: WriteHooks = {}): Promise<void> {
  await writeFilesAtomic([{ path, data, mode: options.mode }], options.force === true, hooks);
}

/**
 * Writes files that belong together: every target is checked, every file staged, and only then
 * are they put in place. A refusal at any step leaves nothing of this run behind: the staging
 * files are removed and, without `force`, files already put in place are taken back (never a new
 * key beside an old certificate, never a key under a staging name).
 */
export async function writeFilesAtomic(files: PlannedWrite[], force: boolean, hooks: WriteHooks = {}): Promise<void> {
  for (const file of files) await assertWritable(file.path, force);
  const staged: StagedFile[] = [];
  try {
    for (const file of files) staged.push(await stageFile(file.path, file.data, file.mode));
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  const committed: StagedFile[] = [];
  try {
    for (const file of staged) {
      await hooks.beforeCommit?.(file.path);
      await commitFile(file, force);
      committed.push(file);
    }
  } catch (error) {
    await discardStaged(staged);
    // With force the old files are already replaced and cannot come back; a commit with force
    // fails only on a race with a folder or a permission change, after the checks passed.
    if (!force) await Promise.all(committed.map(takeBack));
    throw error;
  }
}

/**
 * Refuses early: an existing file without --force (a symlink too, even one pointing nowhere: the
 * commit would refuse it later, after a key was written), a folder where the file should go, or a
 * device, FIFO or socket, which a rename would replace (renaming over /dev/null destroys it).
 */
export async function assertWritable(path: string, force: boolean): Promise<void> {
  if (!(await isTaken(path))) return;
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    throw new MtlsError('MTLS_WRITE_FAILED', `${path} is a folder; a file cannot be written there.`, { details: { path }, causes: [] });
  }
  if (info && !info.isFile()) {
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
 * pipe) is written into; a regular file is replaced atomically. A new file gets `mode`; an
 * existing one keeps its own (curl keeps it too: an output made private stays private). Never
 * for keys.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array, options: { mode: number }): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info && !info.isFile() && !info.isDirectory()) {
    try {
      await writeFile(path, data);
    } catch (error) {
      throw writeFailure(path, error);
    }
    return;
  }
  await writeFileAtomic(path, data, { mode: info?.isFile() ? info.mode & 0o777 : options.mode, force: true });
}

export async function stageFile(path: string, data: string | Uint8Array, mode: number): Promise<StagedFile> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await makeFolders(dirname(path), folderModeFor(mode));
    const handle = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    try {
      await handle.writeFile(data);
      await handle.chmod(mode); // the umask may have narrowed the mode: set it exactly
      await handle.sync();
      const { dev, ino } = await handle.stat();
      return { path, temporary, dev, ino };
    } finally {
      await handle.close();
    }
  } catch (error) {
    await removeQuietly(temporary);
    throw writeFailure(path, error);
  }
}

/**
 * The mode of a folder mtls creates for a file: 0700 for a private file (a key, a response body),
 * else 0755. mkdir narrows it by the umask and never widens it, so under umask 000 a CA folder is
 * 0700, not the 0777 a bare recursive mkdir gives. Folders that already exist keep their mode.
 */
export function folderModeFor(fileMode: number): number {
  return (fileMode & 0o077) === 0 ? 0o700 : 0o755;
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
    if (await isTaken(staged.path)) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    await rename(staged.temporary, staged.path);
  }
}

export async function discardStaged(files: StagedFile[]): Promise<void> {
  await Promise.all(files.map((file) => removeQuietly(file.temporary)));
}

/** Removes a file this run put in place, only if it is still that file (same inode). */
async function takeBack(file: StagedFile): Promise<void> {
  const info = await lstat(file.path).catch(() => null);
  if (info && info.dev === file.dev && info.ino === file.ino) await removeQuietly(file.path);
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

/** Something is at the path, a symlink pointing nowhere included: a name a write without --force must not take. */
export async function isTaken(path: string): Promise<boolean> {
  return (await lstat(path).catch(() => null)) !== null;
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

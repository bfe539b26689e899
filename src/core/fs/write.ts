import { constants } from 'node:fs';
import { link, open, rename, rm, stat, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MtlsError } from '../errors.js';

export interface WriteOptions {
  /** 0o600 for private keys and PKCS#12 files; 0o644 for certificates. */
  mode: number;
  /** Replace an existing file. Without it, an existing file is an error and is left untouched. */
  force?: boolean;
}

/**
 * Writes a file atomically: a temporary file in the same folder (created with the final mode,
 * so a key is never readable by others, not even for a moment), fsync, then rename. Without
 * `force`, an existing target is refused before anything is written.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions): Promise<void> {
  if (!options.force && (await exists(path))) {
    throw new MtlsError('MTLS_FILE_EXISTS', `${path} already exists; it was left untouched.`, {
      details: { path },
      fixes: ['Pass --force to replace it, or choose another name or --dir.'],
    });
  }
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, options.mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(options.mode); // the umask may have narrowed or the mode widened: set it exactly
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link() fails if the target appeared meanwhile, so even a race never overwrites without --force.
    if (options.force) await rename(temporary, path);
    else await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new MtlsError('MTLS_FILE_EXISTS', `${path} already exists; it was left untouched.`, { details: { path } });
    }
    throw error;
  } finally {
    await rm(temporary, { force: true });
  }
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

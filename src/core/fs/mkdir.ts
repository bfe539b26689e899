import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MtlsError } from '../errors.js';

/**
 * `mkdir -p`, one level at a time. Not Node's `mkdir(path, { recursive: true })`: on a file system
 * where mkdir fails with ENOENT although the parent exists (/proc, sysfs, some FUSE mounts), Node
 * 20 creates the parent again, finds it there and retries the child, forever, at 100% CPU
 * (`ca init --dir /proc/x` never returned). Here each missing folder is created once, and a
 * refusal is an error naming the folder. New folders get `mode` (less the umask).
 */
export async function makeFolders(path: string, mode = 0o755): Promise<void> {
  const missing: string[] = [];
  for (let folder = resolve(path); ; folder = dirname(folder)) {
    const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (info) {
      if (!info.isDirectory()) throw Object.assign(new Error(`${folder} is not a folder`), { code: 'ENOTDIR' });
      break;
    }
    missing.push(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing.reverse()) {
    try {
      await mkdir(folder, { mode }); // narrowed by the umask, never widened
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'EEXIST' && (await stat(folder).then((info) => info.isDirectory(), () => false))) continue;
      if (code === 'ENOENT') {
        throw new MtlsError('MTLS_WRITE_FAILED', `The folder ${folder} cannot be created: the file system refused it (ENOENT; /proc and /sys accept no new folders). Nothing was written.`, {
          details: { path: folder, reason: code },
          causes: [],
          cause: error,
        });
      }
      throw error;
    }
  }
}

import { opendirSync, type Dirent } from 'node:fs';
import { join } from 'node:path';

/** Folders that hold no certificates worth reporting and may be huge. */
const SKIPPED_FOLDERS = new Set(['.git', 'node_modules', '.hg', '.svn']);

/**
 * Every regular file under `root`, depth first, read lazily: only the open folder handles of the
 * current branch are held, so a folder of 20,000 files costs no more memory than one of 20.
 * Symbolic links are not followed (a link back up would loop forever). Synchronous, like the
 * reads of the small local files it lists: a round trip through the thread pool per entry costs
 * more than the read.
 */
export function* walkFiles(root: string): Generator<string> {
  for (const entry of walkEntries(root)) if (entry.special === null) yield entry.path;
}

/** A file met while walking: `special` names a FIFO, socket or device (never to be opened: a FIFO blocks). */
export interface WalkedEntry {
  path: string;
  special: string | null;
}

/** walkFiles, with FIFOs, sockets and devices too, told apart by their directory entry alone. */
export function* walkEntries(root: string): Generator<WalkedEntry> {
  // Entries come in batches: 32 (the default) costs a system call per 32 files.
  const folder = opendirSync(root, { bufferSize: 256 });
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      const path = join(root, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) yield* walkEntries(path);
      } else if (entry.isFile()) {
        yield { path, special: null };
      } else if (!entry.isSymbolicLink()) {
        yield { path, special: specialName(entry) };
      }
    }
  } finally {
    folder.closeSync();
  }
}

function specialName(entry: Dirent): string {
  if (entry.isFIFO()) return 'a FIFO';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice()) return 'a character device';
  if (entry.isBlockDevice()) return 'a block device';
  return 'a special file';
}

/**
 * Runs `work` over every item with at most `limit` in flight, pulling items lazily so a long
 * stream is never held in memory. Results are handed to `work`'s own side effects.
 */
export async function forEachLimited<T>(items: AsyncIterable<T> | Iterable<T>, limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  const worker = async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}

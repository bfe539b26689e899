import { opendirSync } from 'node:fs';
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
  // Entries come in batches: 32 (the default) costs a system call per 32 files.
  const folder = opendirSync(root, { bufferSize: 256 });
  try {
    for (let entry = folder.readSync(); entry !== null; entry = folder.readSync()) {
      const path = join(root, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) yield* walkFiles(path);
      } else if (entry.isFile()) {
        yield path;
      }
    }
  } finally {
    folder.closeSync();
  }
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

import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readlink, realpath, stat } from 'node:fs/promises';
import { join, parse, resolve, sep } from 'node:path';
import { MAX_INPUT_BYTES, readFileBounded } from './read.js';

export interface FileChangeOptions {
  /** Quiet time after the last event before the files are compared: a certificate and its key land together. */
  debounceMs?: number;
  /** The files are also compared this often, for file systems that send no events (NFS, some container mounts). */
  pollMs?: number;
  /** false: no folder watches, the poll alone (where events are unreliable; tests of the poll). */
  events?: boolean;
}

export interface FileChangeWatch {
  /** Resolves once the files' first state is known; a change from then on is reported. */
  ready: Promise<void>;
  close(): void;
}

/** What a file is now: where its path leads and what it holds. A missing or unreadable file is all null. */
interface Fingerprint {
  real: string | null;
  /** dev, inode, size, mtime and ctime: when all stay put (and the real path), the content is not read again. */
  stamp: string | null;
  sha256: string | null;
}

/** A name in a folder whose change can change a watched file: the file itself, or a symlink on its way. */
interface WatchPoint {
  folder: string;
  name: string;
}

const MAX_LINK_HOPS = 40;

/**
 * Calls `onChange` with the files whose content or resolved target changed, once per burst.
 *
 * A watch on the file itself misses the rotations that matter: an editor or deploy tool renames a
 * new file over the old one (the watch stays on the old inode), and Kubernetes swaps a `..data`
 * symlink beside the file (`tls.crt -> ..data/tls.crt` never changes; `..data` is renamed over).
 * So the folders are watched: the file's own, and the folder of every symlink on its way to the
 * real file. Any event there (and every poll tick) re-resolves each file and compares its real path
 * and a SHA-256 of its content, so an event that changes nothing is not a reload, and a swap
 * with the same size and mtime still is.
 */
export function watchFileChanges(files: string[], onChange: (changed: string[]) => void, options: FileChangeOptions = {}): FileChangeWatch {
  const debounceMs = options.debounceMs ?? 250;
  const pollMs = options.pollMs ?? 1000;
  const events = options.events !== false;
  const paths = [...new Set(files.map((file) => resolve(file)))];
  const known = new Map<string, Fingerprint>();
  const watchers = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  // One comparison at a time, in order: a burst never reports the same change twice.
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.catch(() => undefined);
    return run;
  };

  /** What each file is now, against what was last reported. */
  const differences = async (): Promise<{ changed: string[]; now: Map<string, Fingerprint> }> => {
    const changed: string[] = [];
    const now = new Map<string, Fingerprint>();
    for (const path of paths) {
      const before = known.get(path);
      const current = await fingerprint(path, before);
      now.set(path, current);
      if (before && (before.real !== current.real || before.sha256 !== current.sha256)) changed.push(path);
    }
    return { changed, now };
  };

  const compare = () =>
    serially(async () => {
      if (closed) return;
      const { changed, now } = await differences();
      for (const [path, current] of now) known.set(path, current);
      await rewatch();
      if (changed.length > 0 && !closed) onChange(changed);
    });

  const schedule = () => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void compare();
    }, debounceMs);
    timer.unref();
  };

  /** Watches the folders that lead to each file now; a swap moves them, so this runs after every comparison. */
  const rewatch = async () => {
    if (!events) return;
    const wanted = new Map<string, Set<string>>();
    for (const path of paths) {
      for (const point of await watchPoints(path)) {
        const names = wanted.get(point.folder) ?? new Set<string>();
        names.add(point.name);
        wanted.set(point.folder, names);
      }
    }
    if (closed) return;
    for (const [folder, entry] of watchers) {
      if (!wanted.has(folder)) {
        entry.watcher.close();
        watchers.delete(folder);
      }
    }
    for (const [folder, names] of wanted) {
      const entry = watchers.get(folder);
      if (entry) {
        entry.names = names;
        continue;
      }
      try {
        const watching = { watcher: watch(folder, { persistent: false }), names };
        // Some platforms do not say which name changed: then any change in the folder counts.
        watching.watcher.on('change', (_event, name) => {
          if (name === null || watching.names.has(name.toString())) schedule();
        });
        // A folder removed by a rotation (the old `..2026_…` one) ends its watch: the poll and the next comparison cover it.
        watching.watcher.on('error', () => undefined);
        watchers.set(folder, watching);
      } catch {
        // A folder that cannot be watched (gone, no permission): polling still compares the files.
      }
    }
  };

  // A poll tick that finds a change waits for the burst to settle like an event does; a change
  // already waiting is not rescheduled, or a poll faster than the debounce would postpone it forever.
  const poll = setInterval(() => {
    if (timer !== undefined || closed) return;
    void serially(differences).then(({ changed }) => {
      if (changed.length > 0 && timer === undefined) schedule();
    }, () => undefined);
  }, pollMs);
  poll.unref();

  const ready = serially(async () => {
    for (const path of paths) known.set(path, await fingerprint(path, undefined));
    await rewatch();
  });

  return {
    ready,
    close: () => {
      closed = true;
      clearTimeout(timer);
      clearInterval(poll);
      for (const { watcher } of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
}

async function fingerprint(path: string, before: Fingerprint | undefined): Promise<Fingerprint> {
  const real = await realpath(path).catch(() => null);
  const info = real ? await stat(real, { bigint: true }).catch(() => null) : null;
  if (!real || !info) return { real: null, stamp: null, sha256: null };
  const stamp = `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
  // Every write moves ctime; a new file under the same name has a new inode. Unchanged, nothing is read.
  if (before && before.real === real && before.stamp === stamp) return before;
  // Bounded like every read: a rotation to a FIFO or a huge file is no hang and no memory spike.
  const bytes = await readFileBounded(real, { limit: MAX_INPUT_BYTES, label: path }).catch(() => null);
  return { real, stamp, sha256: bytes ? createHash('sha256').update(bytes).digest('hex') : null };
}

/**
 * Every folder and name whose change can change what `path` leads to: each symlink met while
 * resolving it (in a folder component or at the end), then the real file (or the first missing
 * name, to see it appear). Resolved by hand, one component at a time, because realpath() gives
 * only the end, not the links on the way. Real folders on the way are not watched: a rename of
 * one of those is rare, and the poll sees it.
 */
async function watchPoints(path: string): Promise<WatchPoint[]> {
  const points: WatchPoint[] = [];
  let { root: at, parts: pending } = components(resolve(path));
  let hops = 0;
  while (pending.length > 0) {
    const name = pending.shift() as string;
    const next = join(at, name);
    const info = await lstat(next).catch(() => null);
    if (!info || pending.length === 0) {
      points.push({ folder: at, name });
      if (!info) break;
    }
    if (info.isSymbolicLink()) {
      if (pending.length > 0) points.push({ folder: at, name });
      const target = ++hops <= MAX_LINK_HOPS ? await readlink(next).catch(() => null) : null;
      if (target === null) break;
      const resolved = components(resolve(at, target));
      at = resolved.root;
      pending = [...resolved.parts, ...pending];
      continue;
    }
    at = next;
  }
  return points;
}

/** An absolute path as its root (`/`, `C:\\`) and its names. */
function components(absolute: string): { root: string; parts: string[] } {
  const root = parse(absolute).root;
  return { root, parts: absolute.slice(root.length).split(sep).filter(Boolean) };
}

import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` once after a burst of changes to any of `files`. The folders are watched, not
 * the files: editors and deploy tools replace a file by renaming a new one over it, which ends a
 * watch on the old inode. The debounce lets a certificate and its key land together.
 */
export function watchFiles(files: string[], onChange: () => void, debounceMs = 250): () => void {
  const byFolder = new Map<string, Set<string>>();
  for (const file of files) {
    const names = byFolder.get(dirname(file)) ?? new Set<string>();
    names.add(basename(file));
    byFolder.set(dirname(file), names);
  }
  let timer: NodeJS.Timeout | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const [folder, names] of byFolder) {
    const watcher = watch(folder, { persistent: false }, (_event, name) => {
      // Some platforms do not say which file changed: then any change in the folder counts.
      if (name === null || names.has(name.toString())) changed();
    });
    watcher.on('error', () => undefined);
    watchers.push(watcher);
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

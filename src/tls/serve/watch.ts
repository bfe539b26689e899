import { watchFileChanges } from '../../core/fs/watch.js';

/**
 * Calls `onChange` once after a burst of changes to any of `files` (certificate, key, client CA,
 * CRL: whatever the server reads). The shared watcher follows files renamed over and Kubernetes'
 * `..data` symlink swaps, compares real paths and content hashes, and polls as a fallback; the
 * debounce lets a certificate and its key land together.
 */
export function watchFiles(files: string[], onChange: () => void, debounceMs = 250): () => void {
  const watching = watchFileChanges(files, () => onChange(), { debounceMs, pollMs: 1000 });
  return () => watching.close();
}

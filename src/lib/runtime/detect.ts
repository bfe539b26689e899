/** The JavaScript runtime the library runs on: it decides which transport carries the client certificate. */
export type Runtime = 'node' | 'bun';

/**
 * Bun sets `process.versions.bun` and the `Bun` global. It matters because Bun's fetch ignores
 * undici dispatchers (its `undici` module is a stub), so the certificate must travel in Bun's own
 * `tls` fetch option instead.
 */
export function currentRuntime(): Runtime {
  return typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined' || typeof process.versions.bun === 'string' ? 'bun' : 'node';
}

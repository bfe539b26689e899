/** Marks the fetch that installMtls puts on globalThis, and holds the one it replaced. */
export const ORIGINAL_FETCH = Symbol.for('mtls.originalFetch');

/** The runtime's own fetch, also after installMtls has wrapped globalThis.fetch (so agents never call each other). */
export function runtimeFetch(): typeof globalThis.fetch {
  const current = globalThis.fetch as typeof globalThis.fetch & { [ORIGINAL_FETCH]?: typeof globalThis.fetch };
  return current[ORIGINAL_FETCH] ?? current;
}

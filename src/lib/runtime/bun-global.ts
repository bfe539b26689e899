import { ORIGINAL_FETCH, runtimeFetch } from './runtime-fetch.js';

/** What an MtlsAgent carries so the global fetch can recognise it as a dispatcher without importing it. */
export const AGENT_FETCH = Symbol.for('mtls.agentFetch');

type Fetch = typeof globalThis.fetch;
type Marked = Fetch & { [ORIGINAL_FETCH]?: Fetch };

let installed: Fetch | null = null;

/**
 * Bun's fetch ignores `dispatcher`, so `fetch(url, { dispatcher: agent })` (the form Node SDK
 * docs show, and what SDK options such as MCP's `requestInit` pass on) would go out without the
 * client certificate. On Bun, the first agent wraps globalThis.fetch once: a call whose
 * dispatcher is an MtlsAgent goes through that agent's fetch; with installMtls(), every call goes
 * through the installed agent; anything else reaches Bun's fetch untouched.
 */
export function ensureBunGlobalFetch(): void {
  if ((globalThis.fetch as Marked)[ORIGINAL_FETCH]) return;
  const original = runtimeFetch();
  const wrapped = ((input: Parameters<Fetch>[0], init?: RequestInit) => {
    const dispatcher = (init as { dispatcher?: { [AGENT_FETCH]?: Fetch } } | undefined)?.dispatcher;
    const agentFetch = dispatcher?.[AGENT_FETCH];
    if (agentFetch) return agentFetch(input, init);
    if (installed) return installed(input, init);
    return original(input, init);
  }) as Marked;
  Object.assign(wrapped, original);
  wrapped[ORIGINAL_FETCH] = original;
  globalThis.fetch = wrapped;
}

/** installMtls on Bun: every fetch without an agent of its own goes through this one. */
export function setInstalledFetch(fetch: Fetch | null): void {
  ensureBunGlobalFetch();
  installed = fetch;
}

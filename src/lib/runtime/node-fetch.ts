import type { Dispatcher } from 'undici';
import { runtimeFetch } from './runtime-fetch.js';

/**
 * On Node, `agent.fetch` is Node's own global fetch with the agent as its dispatcher: it is the
 * fetch of the global realm, so the global FormData, Blob, Request and ReadableStream bodies that
 * SDKs build are ones it understands (undici's package fetch sends a global FormData as the text
 * "[object FormData]" and refuses a global Request).
 */
export function nodeFetch(dispatcher: Dispatcher): typeof globalThis.fetch {
  return ((input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) =>
    runtimeFetch()(input, { ...init, dispatcher } as unknown as RequestInit)) as typeof globalThis.fetch;
}

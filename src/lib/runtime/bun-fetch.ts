import type { MtlsAgentOptions } from '../options.js';
import type { CredentialStore } from '../store.js';
import { diagnoseByReplay } from './replay.js';
import { isCallerAbort, originOf, requestUrl } from './request-url.js';
import { runtimeFetch } from './runtime-fetch.js';

/** Bun's fetch option for TLS (Bun's own extension of RequestInit). */
interface BunTlsOptions {
  cert?: string;
  key?: string;
  ca?: string[];
  serverName?: string;
  rejectUnauthorized: boolean;
}

/**
 * On Bun, `agent.fetch` is Bun's own fetch with the `tls` option built from the target's
 * credentials, read from the store on every call (so a rotation applies to the next request).
 * Bun's fetch handles FormData, Request inputs and streams natively. Its TLS errors say little
 * (ECONNRESET, EPROTO), so a failure is replayed through the connector and diagnosed as on Node;
 * it rejects as Node's fetch does: TypeError('fetch failed') with the MtlsError as its cause.
 */
export function bunFetch(options: MtlsAgentOptions, store: CredentialStore): typeof globalThis.fetch {
  return (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    const fetch = runtimeFetch();
    const url = requestUrl(input);
    if (!url || url.protocol !== 'https:') return fetch(input, init);
    let tls: BunTlsOptions;
    try {
      const material = await store.materialFor(originOf(url));
      tls = {
        ...(material.identity ? { cert: material.identity.certPem, key: material.identity.keyPem } : {}),
        ...(material.caPem ? { ca: material.caPem } : {}),
        ...(material.servername ? { serverName: material.servername } : {}),
        rejectUnauthorized: options.rejectUnauthorized !== false,
      };
    } catch (error) {
      throw new TypeError('fetch failed', { cause: error });
    }
    try {
      return await fetch(input, { ...init, tls } as RequestInit);
    } catch (error) {
      if (isCallerAbort(error) || init?.signal?.aborted || (input as Request | null)?.signal?.aborted) throw error;
      const explained = await diagnoseByReplay(options, store, url).catch(() => null);
      if (!explained) throw error;
      throw new TypeError('fetch failed', { cause: explained });
    }
  }) as typeof globalThis.fetch;
}

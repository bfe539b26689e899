import type { Dispatcher } from 'undici';

/** How one request is forwarded (the bridge and `serve --upstream` both fill this in). */
export interface ForwardOptions {
  /** The undici dispatcher for the upstream (an MtlsAgent, an Agent, a Pool): its pooling and TLS apply. */
  dispatcher: Dispatcher;
  /** The upstream's origin and base path (`https://llm.corp/v1`): the request's path goes after the base path. */
  upstream: URL;
  /** Path and query to send, after the base path (default: the request's own URL). */
  path?: string;
  /** Host header upstream: 'upstream' (default: the upstream URL's host; undici sets it) or 'client' (as received). */
  host?: 'upstream' | 'client';
  /**
   * X-Forwarded-For/-Proto/-Host for the upstream; `proto` is how the client reached us. `chain`:
   * 'replace' (default: the client's own X-Forwarded-* are dropped) or 'append' (behind a trusted proxy).
   */
  xForwarded?: { proto: 'http' | 'https'; chain?: 'replace' | 'append' } | false;
  /** Request fields (any case) never passed on, e.g. identity headers a client could forge. */
  dropRequestHeaders?: readonly string[];
  /** Request fields set after the rest; they replace any the client sent under the same names. */
  setRequestHeaders?: Record<string, string | string[]>;
  /** This hop's pseudonym for the Via field (RFC 9110 §7.6.3), e.g. 'mtls-bridge'; none when absent. */
  via?: string;
  /** Milliseconds for the upstream's response headers / between body chunks (the dispatcher's defaults otherwise). */
  headersTimeout?: number;
  bodyTimeout?: number;
  /**
   * Responses with these statuses are held (head and up to maxBytes of body) and judged before
   * anything reaches the client: an Error from `check` makes the exchange `failed` with
   * `responded: false` (the caller answers instead); null lets the response through unchanged.
   */
  refusalCheck?: RefusalCheck;
}

export interface RefusalCheck {
  statuses: ReadonlySet<number>;
  maxBytes: number;
  check(status: number, bodyStart: Buffer): Promise<Error | null>;
}

/**
 * How a forwarded exchange ended. `failed` with `responded: false`: nothing was sent to the
 * client yet, so the caller answers (a 502 with the diagnosis, say); with `responded: true` the
 * response had started and was cut off. `client-gone`: the client left first; upstream was aborted.
 */
export type ForwardOutcome =
  | { kind: 'done'; status: number; method: string; path: string }
  | { kind: 'failed'; error: Error; responded: boolean; status: number | null; method: string; path: string }
  | { kind: 'client-gone'; status: number | null; method: string; path: string };

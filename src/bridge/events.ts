/** What the bridge reports; the CLI renders these (text or JSON Lines). Never a token, a header or a query. */
export type BridgeEvent =
  | { event: 'request'; at: string; method: string; path: string; route: string; upstream: string; status: number; durationMs: number; upgrade?: boolean }
  | { event: 'refused'; at: string; method: string; path: string; status: 403 | 404; code: string; title: string }
  | {
      event: 'upstream-failed';
      at: string;
      method: string;
      path: string;
      route: string;
      upstream: string;
      /** 502 when the client got the diagnosis; null when the response had started and was cut off. */
      status: 502 | null;
      code: string;
      title: string;
      summary: string;
      fix: string | null;
      durationMs: number;
    }
  | { event: 'client-gone'; at: string; method: string; path: string; route: string; upstream: string; status: number | null; durationMs: number };

/** The body of a response the bridge makes itself (403, 404, 502): the diagnosis, as `mtls request --json` names it. */
export interface BridgeErrorBody {
  code: string;
  title: string;
  summary: string;
  fix: string | null;
}

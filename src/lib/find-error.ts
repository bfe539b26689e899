import { MtlsError } from '../core/errors.js';

/** How many of the library's recent diagnoses are kept for matching flattened messages (see below). */
const RECENT_LIMIT = 32;
const recent: MtlsError[] = [];

/** Called for each diagnosis the agents raise, so a wrapper that kept only the message can be traced back. */
export function rememberMtlsError(error: MtlsError): void {
  recent.push(error);
  if (recent.length > RECENT_LIMIT) recent.shift();
}

/** Fields where SDKs keep the error they wrap: `cause` (fetch, openai, MCP), `lastError`/`errors` (the AI SDK's RetryError), `error`, `event`. */
const NESTED = ['cause', 'lastError', 'error', 'originalError', 'event'] as const;

/**
 * The MtlsError behind an error an SDK gave you, wherever it sits: fetch's TypeError and
 * openai's APIConnectionError put it in `cause`; the AI SDK's RetryError in `lastError` and
 * `errors`; AggregateError in `errors`. MCP's legacy SSE transport keeps only the text
 * ("SSE error: TypeError: fetch failed: …"): then the agent's recent diagnosis whose message that
 * text contains is returned. null when there is none.
 */
export function findMtlsError(error: unknown): MtlsError | null {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  const texts: string[] = [];
  while (queue.length > 0 && seen.size < 200) {
    const current = queue.shift();
    if (current === null || current === undefined || seen.has(current)) continue;
    seen.add(current);
    if (current instanceof MtlsError) return current;
    if (typeof current === 'string') {
      texts.push(current);
      continue;
    }
    if (typeof current !== 'object') continue;
    const record = current as Record<string, unknown>;
    if (typeof record.message === 'string') texts.push(record.message);
    for (const key of NESTED) {
      try {
        if (record[key] !== undefined) queue.push(record[key]);
      } catch {
        // A getter that throws is not where the error is.
      }
    }
    if (Array.isArray(record.errors)) queue.push(...record.errors);
  }
  for (let i = recent.length - 1; i >= 0; i--) {
    const candidate = recent[i]!;
    if (texts.some((text) => text.includes(candidate.message))) return candidate;
  }
  return null;
}

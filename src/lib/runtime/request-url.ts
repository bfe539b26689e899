/** The URL a fetch call goes to, whatever form its input takes (string, URL, Request, or a Request-like object). */
export function requestUrl(input: unknown): URL | null {
  try {
    if (typeof input === 'string' || input instanceof URL) return new URL(String(input));
    const url = (input as { url?: unknown } | null)?.url;
    return typeof url === 'string' ? new URL(url) : null;
  } catch {
    return null;
  }
}

/** The store's key for a URL: https://host:port, with IPv6 hosts in brackets. */
export function originOf(url: URL): string {
  return `https://${url.hostname}:${url.port || 443}`;
}

/** Errors that are the caller's doing (an abort, a timeout signal): passed through as they are. */
export function isCallerAbort(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

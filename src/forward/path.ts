/**
 * The path to request upstream: the upstream URL's base path (`/v1` of https://llm.corp/v1)
 * followed by the client's path and query. Dot segments in the client's part are resolved first
 * (as a URL parser would), so `/../admin` cannot climb out of the base path.
 */
export function upstreamPath(base: URL, rest: string): string {
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const query = queryAt === -1 ? '' : rest.slice(queryAt);
  // WHATWG URL resolves `.`/`..` and keeps percent-escapes as they are; the origin is a stand-in.
  // The URL parser only when there is a dot segment (or a backslash) to resolve: most paths have none.
  const plain = rawPath.startsWith('/') && !/\/\.|\\|%2e/i.test(rawPath);
  const clientPath = rawPath === '' ? '' : plain ? rawPath : new URL(rawPath.startsWith('/') ? rawPath : `/${rawPath}`, 'http://base.invalid').pathname;
  const basePath = base.pathname.replace(/\/+$/, '');
  const path = `${basePath}${clientPath}` || '/';
  return `${path}${query}`;
}

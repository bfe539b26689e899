/** One way through the bridge: requests under `prefix` go to `upstream` (its path is the base path). */
export interface BridgeRoute {
  /** `/openai`, or `/` for --to. No trailing slash except for `/` itself. */
  prefix: string;
  upstream: URL;
  /** What the user wrote for the upstream: a URL or a config target's name. */
  given: string;
}

/** `/openai/` → `/openai`; `openai` → `/openai`; `` or `/` → `/`. */
export function normalizePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * The route for a path (after the token), longest prefix first, matched on whole segments:
 * `/openai` covers `/openai`, `/openai/…` and `/openai?…`, never `/openaiX`. The rest is the path
 * to send after the upstream's base path.
 */
export function matchRoute(routes: readonly BridgeRoute[], url: string): { route: BridgeRoute; rest: string } | null {
  for (const route of routesLongestFirst(routes)) {
    if (route.prefix === '/') return { route, rest: url };
    if (url === route.prefix || url.startsWith(`${route.prefix}/`) || url.startsWith(`${route.prefix}?`)) {
      return { route, rest: url.slice(route.prefix.length) };
    }
  }
  return null;
}

const sorted = new WeakMap<readonly BridgeRoute[], BridgeRoute[]>();

function routesLongestFirst(routes: readonly BridgeRoute[]): BridgeRoute[] {
  let list = sorted.get(routes);
  if (!list) {
    list = [...routes].sort((a, b) => b.prefix.length - a.prefix.length);
    sorted.set(routes, list);
  }
  return list;
}

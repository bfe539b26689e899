import type { BridgeRoute } from '../../bridge/index.js';
import { SCHEMA_VERSION, escapeBeyondJson } from '../../render/json.js';

/**
 * What the bridge prints on stdout once it listens: the base URL first (scripts read line 1),
 * then lines to paste: an OpenAI-style base URL, an MCP server URL and a curl command, each for
 * the route that looks meant for it. The token is in these URLs and nowhere else.
 */
export function readyLines(origin: string, token: string | null, routes: readonly BridgeRoute[], json: boolean): string[] {
  const base = token ? `${origin}/${token}` : origin;
  const urlOf = (route: BridgeRoute) => (route.prefix === '/' ? base : `${base}${route.prefix}`);
  const only = routes.length === 1 ? routes[0] : undefined;
  const llm = routes.find((route) => /openai|llm|ai\b|model|v\d/i.test(route.prefix)) ?? only;
  const mcp = routes.find((route) => /mcp/i.test(route.prefix)) ?? only;
  const first = routes[0]!;
  const paste: Record<string, string> = {};
  if (llm) paste.OPENAI_BASE_URL = urlOf(llm);
  if (mcp) paste.MCP_SERVER_URL = urlOf(mcp);
  const curl = `curl ${urlOf(first)}/`;
  if (json) {
    const body = { url: base, origin, token, routes: routes.map((route) => ({ prefix: route.prefix, upstream: route.upstream.href, url: urlOf(route) })), env: paste, curl };
    // One line, as the events that follow on stderr: JSON Lines for a command that never ends.
    return [escapeBeyondJson(JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'bridge-listening', ...body }))];
  }
  const lines = [base];
  for (const [name, value] of Object.entries(paste)) lines.push(`${name}=${value}`);
  for (const route of routes) if (route !== llm && route !== mcp) lines.push(`# ${route.prefix}: ${urlOf(route)}`);
  lines.push(curl);
  return lines;
}

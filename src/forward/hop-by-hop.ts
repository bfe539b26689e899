/**
 * Hop-by-hop header fields (RFC 9110 §7.6.1): they describe one connection, so a proxy removes
 * them, and every field the Connection header names, before forwarding. Proxy-Connection is not
 * standard but still sent by old clients (RFC 9110 §7.6.1 names it); Keep-Alive, TE, Trailer's
 * negotiation and Transfer-Encoding are re-decided per hop (Node and undici do that themselves).
 * Proxy-Authorization/-Authenticate belong to the proxy, not to the origin (RFC 9110 §11.7).
 */
export const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/** The field names a Connection header lists (any case, comma-separated, repeated headers included). */
export function connectionListed(values: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const value of values) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) names.add(name);
    }
  }
  return names;
}

/**
 * The end-to-end fields of a flat [name, value, name, value…] list (Node's rawHeaders, undici's
 * raw headers), in order and with their case, without the hop-by-hop ones, the ones Connection
 * names, and `drop` (lowercase names).
 */
export function endToEndRaw(raw: readonly string[], drop: ReadonlySet<string> = new Set()): string[] {
  const connection: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i]!.toLowerCase() === 'connection') connection.push(raw[i + 1]!);
  const listed = connectionListed(connection);
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    if (HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    kept.push(raw[i]!, raw[i + 1]!);
  }
  return kept;
}

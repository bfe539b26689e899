/**
 * Header values that -v must not show: credentials (Authorization, Proxy-Authorization, API
 * keys, tokens, secrets) and cookies. A person debugging pastes -v output into tickets and chats;
 * the value is replaced, the scheme (`Bearer`) and cookie names stay, which is what they debug.
 */
const SECRET_NAME = /token|secret|key|passw|session|^authorization$|^proxy-authorization$|^x-api-key$/i;

export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'cookie') return value.split(/;\s*/).map((pair) => redactPair(pair)).join('; ');
  if (lower === 'set-cookie') {
    const [first = '', ...attributes] = value.split(/;\s*/);
    return [redactPair(first), ...attributes].join('; ');
  }
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const scheme = /^([A-Za-z][\w-]*) +\S/.exec(value)?.[1];
    return scheme ? `${scheme} [redacted]` : '[redacted]';
  }
  return SECRET_NAME.test(lower) ? '[redacted]' : value;
}

function redactPair(pair: string): string {
  const at = pair.indexOf('=');
  return at < 0 ? '[redacted]' : `${pair.slice(0, at)}=[redacted]`;
}

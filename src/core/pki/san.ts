import { isIP } from 'node:net';
import { MtlsError } from '../errors.js';

export interface SanEntry {
  type: 'DNS' | 'IP' | 'URI' | 'email';
  value: string;
}

const PREFIXES: Record<string, SanEntry['type']> = { dns: 'DNS', ip: 'IP', uri: 'URI', url: 'URI', email: 'email' };

// Host names as TLS matches them: letters, digits, hyphens (and underscores, which private DNS uses), an optional leading "*." wildcard.
const DNS_NAME = /^(\*\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;

/**
 * One --san value: `DNS:`, `IP:`, `URI:` (SPIFFE IDs are URIs) or `email:` prefixed, or bare and
 * classified: an IP address, a URI (has "scheme:" and "//"), an email (has "@"), else a DNS name.
 */
export function parseSan(raw: string, source = '--san'): SanEntry {
  const text = raw.trim();
  const colon = text.indexOf(':');
  const prefix = colon > 0 ? PREFIXES[text.slice(0, colon).toLowerCase()] : undefined;
  // IPv6 addresses hold colons too, but never start with one of these words.
  if (prefix) return checked(prefix, text.slice(colon + 1).trim(), raw, source);
  if (isIP(text.split('%')[0] ?? '')) return checked('IP', text, raw, source);
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text)) return checked('URI', text, raw, source);
  if (text.includes('@')) return checked('email', text, raw, source);
  return checked('DNS', text, raw, source);
}

function checked(type: SanEntry['type'], value: string, raw: string, source: string): SanEntry {
  const valid =
    // net.isIP accepts IPv6 zone IDs (fe80::1%eth0), which a certificate cannot hold.
    type === 'IP' ? isIP(value) !== 0 && !value.includes('%') : type === 'DNS' ? DNS_NAME.test(value) && value.length <= 253 : type === 'email' ? EMAIL.test(value) : URI.test(value);
  if (!valid) {
    throw new MtlsError('MTLS_SAN_INVALID', `${source} ${raw}: "${value}" is not a valid ${type === 'IP' ? 'IP address' : type === 'DNS' ? 'DNS name' : type}.`, {
      details: { san: raw, type },
    });
  }
  return { type, value: type === 'DNS' ? value.toLowerCase() : value };
}

/** Names in order, each once (DNS names compare case-insensitively, as TLS does). */
export function uniqueSans(entries: SanEntry[]): SanEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.type}:${entry.type === 'DNS' ? entry.value.toLowerCase() : entry.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "DNS:localhost", as openssl and curl print names. */
export function sanLabel(entry: SanEntry): string {
  return `${entry.type}:${entry.value}`;
}

import { isIP } from 'node:net';
import type { SubjectAltName } from '../certificate/parse.js';
import { ipBytes } from './constraints.js';

export interface HostMatch {
  host: string;
  kind: 'DNS' | 'IP';
  /** The SAN entry that matched, or null. */
  matched: string | null;
  /** The names of that kind the certificate holds (what the host was compared with). */
  names: string[];
}

/**
 * Matches a host name or IP address against a certificate's subjectAltNames, as browsers, Go and
 * OpenSSL's -verify_hostname / -verify_ip do: DNS names compare case-insensitively; a wildcard
 * is only a whole left-most label ("*.example.com" covers "api.example.com", not
 * "a.b.example.com" nor "example.com") and needs at least two labels after it; an IP matches
 * only IP entries. The subject CN is never used: browsers and Go dropped that fallback, and a
 * certificate made today must carry its names in subjectAltName.
 */
export function matchHost(host: string, subjectAltNames: SubjectAltName[]): HostMatch {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    // Byte for byte, as OpenSSL's -verify_ip: "::ffff:127.0.0.1" (16 bytes) is not "127.0.0.1" (4 bytes).
    const wanted = ipBytes(bare)?.join(',');
    const names = subjectAltNames.filter((n) => n.type === 'IP').map((n) => n.value);
    return { host: bare, kind: 'IP', matched: names.find((n) => ipBytes(n)?.join(',') === wanted) ?? null, names };
  }
  const wanted = bare.toLowerCase().replace(/\.$/, '');
  const names = subjectAltNames.filter((n) => n.type === 'DNS').map((n) => n.value);
  return { host: wanted, kind: 'DNS', matched: names.find((n) => dnsNameMatches(n, wanted)) ?? null, names };
}

function dnsNameMatches(pattern: string, host: string): boolean {
  const name = pattern.toLowerCase().replace(/\.$/, '');
  if (!name.startsWith('*.')) return name === host;
  const suffix = name.slice(2);
  if (suffix.split('.').length < 2 || suffix.includes('*')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === suffix;
}

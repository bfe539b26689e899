import { isIP } from 'node:net';
import { createRequire } from 'node:module';
import type { SubjectAltName } from '../certificate/parse.js';
import { ipBytes } from './constraints.js';

export interface HostMatch {
  host: string;
  kind: 'DNS' | 'IP';
  /** The SAN entry that matched, or null. */
  matched: string | null;
  /** The names of that kind the certificate holds (what the host was compared with). */
  names: string[];
  /**
   * A wildcard whose base is a public suffix, and the section of the Public Suffix List it is in:
   * ICANN ones (`*.co.uk`) never match; private ones (`*.s3.amazonaws.com`, `*.github.io`) match
   * (their owners use such certificates, and browsers accept them), as a pedantic finding.
   */
  overPublicSuffix: { pattern: string; section: 'icann' | 'private' } | null;
}

/**
 * Matches a host name or IP address against a certificate's subjectAltNames, as browsers, Go and
 * OpenSSL's -verify_hostname / -verify_ip do: DNS names compare case-insensitively; a wildcard
 * is only a whole left-most label ("*.example.com" covers "api.example.com", not
 * "a.b.example.com" nor "example.com") and needs at least two labels after it, none of them a
 * public suffix (see publicSuffixSection); an IP matches
 * only IP entries. The subject CN is never used: browsers and Go dropped that fallback, and a
 * certificate made today must carry its names in subjectAltName.
 */
export function matchHost(host: string, subjectAltNames: SubjectAltName[]): HostMatch {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    // Byte for byte, as OpenSSL's -verify_ip: "::ffff:127.0.0.1" (16 bytes) is not "127.0.0.1" (4 bytes).
    const wanted = ipBytes(bare)?.join(',');
    const names = subjectAltNames.filter((n) => n.type === 'IP').map((n) => n.value);
    return { host: bare, kind: 'IP', matched: names.find((n) => ipBytes(n)?.join(',') === wanted) ?? null, names, overPublicSuffix: null };
  }
  const wanted = bare.toLowerCase().replace(/\.$/, '');
  const names = subjectAltNames.filter((n) => n.type === 'DNS').map((n) => n.value);
  let overPublicSuffix: HostMatch['overPublicSuffix'] = null;
  const matched = names.find((n) => {
    if (!dnsNameMatches(n, wanted)) return false;
    const section = n.startsWith('*.') ? publicSuffixSection(n.slice(2).toLowerCase().replace(/\.$/, '')) : null;
    if (section) overPublicSuffix ??= { pattern: n, section };
    return section !== 'icann';
  });
  return { host: wanted, kind: 'DNS', matched: matched ?? null, names, overPublicSuffix };
}

const PSL_OPTIONS = { extractHostname: false, validateHostname: false, detectIp: false } as const;

type GetPublicSuffix = (typeof import('tldts'))['getPublicSuffix'];
let publicSuffixOf: GetPublicSuffix | null = null;

/**
 * tldts (the whole list, ~190 kB) is loaded the first time a wildcard is checked, not with every
 * `mtls request`: synchronously (host matching runs inside the TLS handshake's one hook), through
 * require, which its CommonJS build serves; the bundle leaves this require to Node at run time.
 */
function getPublicSuffix(...args: Parameters<GetPublicSuffix>): ReturnType<GetPublicSuffix> {
  publicSuffixOf ??= (createRequire(import.meta.url)('tldts') as typeof import('tldts')).getPublicSuffix;
  return publicSuffixOf(...args);
}

/**
 * Whether `base` is itself a public suffix (CA/B Forum BR 3.2.2.6: no wildcard over a
 * registry-controlled label or public suffix), and in which section of the Public Suffix List.
 * The list is the `tldts` package's (maintained, updated with each PSL release); a name the list
 * does not know falls under its default rule `*`, so only its last label is a suffix.
 */
function publicSuffixSection(base: string): 'icann' | 'private' | null {
  if (getPublicSuffix(base, { ...PSL_OPTIONS, allowPrivateDomains: false }) === base) return 'icann';
  if (getPublicSuffix(base, { ...PSL_OPTIONS, allowPrivateDomains: true }) === base) return 'private';
  return null;
}

function dnsNameMatches(pattern: string, host: string): boolean {
  const name = pattern.toLowerCase().replace(/\.$/, '');
  if (!name.startsWith('*.')) return name === host;
  const suffix = name.slice(2);
  if (suffix.split('.').length < 2 || suffix.includes('*')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot + 1) === suffix;
}

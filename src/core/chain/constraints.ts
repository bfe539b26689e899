import { isIP } from 'node:net';
import type { ParsedCertificate } from '../certificate/parse.js';
import { children, readTlv, type Tlv } from '../asn1/der.js';
import { constrainedNames, generalName, ipText, type HeldName } from './names.js';
import { OID, viewOf } from './view.js';

/**
 * Critical extensions a path may carry, as OpenSSL's list of supported ones: keyUsage,
 * extendedKeyUsage, basicConstraints, subjectAltName and nameConstraints are checked here; the
 * policy extensions are accepted as OpenSSL does without requiring a policy. Any other critical
 * extension makes the certificate invalid (RFC 5280 §4.2: a verifier must reject a critical
 * extension it does not process).
 */
export const HANDLED_CRITICAL_EXTENSIONS: Record<string, string> = {
  [OID.keyUsage]: 'keyUsage',
  [OID.extendedKeyUsage]: 'extendedKeyUsage',
  [OID.basicConstraints]: 'basicConstraints',
  [OID.subjectAltName]: 'subjectAltName',
  [OID.nameConstraints]: 'nameConstraints',
  [OID.certificatePolicies]: 'certificatePolicies',
  [OID.policyConstraints]: 'policyConstraints',
  [OID.policyMappings]: 'policyMappings',
  [OID.inhibitAnyPolicy]: 'inhibitAnyPolicy',
};

export const EXTENSION_NAMES: Record<string, string> = {
  ...HANDLED_CRITICAL_EXTENSIONS,
  [OID.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [OID.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [OID.authorityInfoAccess]: 'authorityInfoAccess',
  [OID.crlDistributionPoints]: 'cRLDistributionPoints',
};

/** The critical extensions of a certificate that no rule here processes, by name or OID. */
export function unhandledCriticalExtensions(cert: ParsedCertificate): string[] {
  return viewOf(cert)
    .extensions.filter((e) => e.critical && !(e.oid in HANDLED_CRITICAL_EXTENSIONS))
    .map((e) => EXTENSION_NAMES[e.oid] ?? e.oid);
}

interface Subtree {
  form: HeldName['form'];
  /** DNS/email/URI: lower-cased text; IP: address + mask; directoryName: the RDNs' DER. */
  text: string;
  bytes: Uint8Array;
  rdns?: string[];
}

export interface ParsedNameConstraints {
  permitted: Subtree[];
  excluded: Subtree[];
  critical: boolean;
}

export type NameConstraintsFinding =
  | { kind: 'excluded' | 'not-permitted'; name: string; holder: ParsedCertificate; constraint: string }
  | { kind: 'unsupported'; name: string; holder: ParsedCertificate; constraint: string }
  | { kind: 'malformed'; constraint: string }
  | { kind: 'too-many'; constraint: string };

/** Comparisons of names against subtrees allowed per CA: more is a denial of service (limbo's nc-dos cases), refused. */
const MAX_COMPARISONS = 1 << 18;

const parsedCache = new WeakMap<ParsedCertificate, ParsedNameConstraints | 'malformed' | null>();

/**
 * The nameConstraints of `ca`, validated: 'malformed' for a value that does not decode, has
 * neither subtree list, an empty list, a DNS base with a leading period (RFC 5280 §4.2.1.10 gives
 * the DNS form no such syntax), or an IP base that is not an address and a contiguous mask.
 */
export function nameConstraintsOf(ca: ParsedCertificate): ParsedNameConstraints | 'malformed' | null {
  if (parsedCache.has(ca)) return parsedCache.get(ca) ?? null;
  const extension = viewOf(ca).extensions.find((e) => e.oid === OID.nameConstraints);
  let parsed: ParsedNameConstraints | 'malformed' | null = null;
  if (extension) {
    try {
      parsed = { ...parseSubtrees(extension.value), critical: extension.critical };
    } catch {
      parsed = 'malformed';
    }
  }
  parsedCache.set(ca, parsed);
  return parsed;
}

function parseSubtrees(value: Uint8Array): { permitted: Subtree[]; excluded: Subtree[] } {
  const outer = readTlv(value);
  if (outer.tag !== 0x30 || outer.end !== value.length) throw new Error('not a SEQUENCE');
  const result = { permitted: [] as Subtree[], excluded: [] as Subtree[] };
  const parts = children(outer);
  if (parts.length === 0) throw new Error('no subtrees');
  for (const part of parts) {
    const list = part.tag === 0xa0 ? result.permitted : part.tag === 0xa1 ? result.excluded : null;
    if (!list) throw new Error('unknown field');
    const subtrees = children(part);
    if (subtrees.length === 0) throw new Error('empty subtree list');
    for (const subtree of subtrees) {
      if (subtree.tag !== 0x30) throw new Error('not a GeneralSubtree');
      const [base] = children(subtree);
      if (!base) throw new Error('no base');
      list.push(subtreeOf(base));
    }
  }
  return result;
}

function subtreeOf(base: Tlv): Subtree {
  const name = generalName(base, 'SAN');
  const text = Buffer.from(name.bytes).toString('latin1').toLowerCase();
  if (name.form === 'DNS' && text.startsWith('.')) throw new Error('DNS constraint with a leading period');
  if (name.form === 'IP') {
    if (name.bytes.length !== 8 && name.bytes.length !== 32) throw new Error('IP constraint of the wrong length');
    if (!contiguousMask(name.bytes.subarray(name.bytes.length / 2))) throw new Error('IP constraint mask is not contiguous');
  }
  return { form: name.form, text, bytes: name.bytes, ...(name.form === 'directoryName' ? { rdns: rdnsOf(name.bytes) } : {}) };
}

/**
 * Checks every name below a constraining CA (RFC 5280 §4.2.1.10, §6.1.3 (b)-(c)): `below` are the
 * certificates under `ca` on the path, leaf first; self-issued intermediates are exempt, as the RFC
 * says, the leaf never is. Names: SAN DNS, IP, email, URI and directoryName entries, the subject DN
 * and its emailAddress. A name inside an excluded subtree is refused; when permitted subtrees of a
 * form exist, each name of that form must be inside one. A wildcard DNS name is refused when it
 * could stand for an excluded name (CVE-2025-61727: `*.example.com` under an excluded
 * `bar.example.com`). A constraint form not checked here fails only when a name of that form is
 * on the path: constraints bind only names that appear.
 */
export function nameConstraintsFinding(ca: ParsedCertificate, below: ParsedCertificate[]): NameConstraintsFinding | null {
  const parsed = nameConstraintsOf(ca);
  if (parsed === null) return null;
  if (parsed === 'malformed') return { kind: 'malformed', constraint: 'nameConstraints' };
  const { permitted, excluded } = parsed;
  let comparisons = 0;
  for (const [i, cert] of below.entries()) {
    if (i > 0 && cert.facts.selfIssued) continue;
    const names = constrainedNames(cert);
    if (names === 'malformed') continue; // reported as a profile problem of that certificate
    comparisons += names.length * (permitted.length + excluded.length);
    if (comparisons > MAX_COMPARISONS) return { kind: 'too-many', constraint: `${permitted.length + excluded.length} subtrees` };
    for (const name of names) {
      const forms = sameForm(name);
      const unsupported = [...permitted, ...excluded].find((s) => s.form === name.form && (name.form === 'otherName' || name.form === 'other'));
      if (unsupported) return { kind: 'unsupported', name: name.text, holder: cert, constraint: unsupported.form };
      const hit = excluded.find((s) => forms(s) && excludedCovers(name, s));
      if (hit) return { kind: 'excluded', name: name.text, holder: cert, constraint: describe(hit) };
      const allowed = permitted.filter(forms);
      if (allowed.length > 0 && !allowed.some((s) => within(name, s))) return { kind: 'not-permitted', name: name.text, holder: cert, constraint: allowed.map(describe).join(', ') };
    }
  }
  return null;
}

const sameForm = (name: HeldName) => (s: Subtree) => s.form === name.form;

function excludedCovers(name: HeldName, subtree: Subtree): boolean {
  if (within(name, subtree)) return true;
  if (name.form !== 'DNS') return false;
  const dns = lower(name);
  if (!dns.startsWith('*.')) return false;
  // The wildcard stands for any one label: it covers an excluded base one label below its suffix.
  const suffix = dns.slice(2);
  const base = subtree.text;
  return base.endsWith(`.${suffix}`) && !base.slice(0, base.length - suffix.length - 1).includes('.');
}

function within(name: HeldName, subtree: Subtree): boolean {
  switch (name.form) {
    case 'DNS':
      return dnsWithin(lower(name), subtree.text);
    case 'IP':
      return ipWithin(name.bytes, subtree.bytes);
    case 'email':
      return emailWithin(Buffer.from(name.bytes).toString('latin1'), subtree.text);
    case 'URI':
      return uriWithin(Buffer.from(name.bytes).toString('latin1'), subtree.text);
    case 'directoryName':
      return dnWithin(name.bytes, subtree.rdns ?? []);
    default:
      return false;
  }
}

const lower = (name: HeldName) => Buffer.from(name.bytes).toString('latin1').toLowerCase().replace(/\.$/, '');

/** An empty base allows everything; "example.com" covers itself and every name ending in ".example.com". */
function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  if (name === base) return true;
  return name.endsWith(`.${base}`);
}

/**
 * RFC 5280 email forms: "user@host" one mailbox; "host" every mailbox at exactly that host;
 * ".host" every mailbox at a host below it. The local part compares exactly (an asterisk is a
 * literal), the host case-insensitively. A name with no '@' is inside nothing.
 */
function emailWithin(address: string, base: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const host = address.slice(at + 1).toLowerCase();
  if (base.includes('@')) {
    const baseAt = base.lastIndexOf('@');
    return local === base.slice(0, baseAt) && host === base.slice(baseAt + 1);
  }
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base;
}

/** URI constraints name a host: "host" exactly, ".host" any host below it. A URI without a host is inside nothing. */
function uriWithin(uri: string, base: string): boolean {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  const host = match?.[1]?.toLowerCase();
  if (!host) return false;
  if (base.startsWith('.')) return host.endsWith(base);
  return host === base;
}

function ipWithin(address: Uint8Array, base: Uint8Array): boolean {
  if (base.length !== address.length * 2) return false;
  const mask = base.subarray(address.length);
  return address.every((byte, i) => (byte & (mask[i] as number)) === ((base[i] as number) & (mask[i] as number)));
}

/** A DN is inside a directoryName subtree when the subtree's RDNs are its first RDNs (compared as DER). */
function dnWithin(nameDer: Uint8Array, baseRdns: string[]): boolean {
  const rdns = rdnsOf(nameDer);
  return baseRdns.length <= rdns.length && baseRdns.every((rdn, i) => rdn === rdns[i]);
}

function rdnsOf(nameDer: Uint8Array): string[] {
  try {
    return children(readTlv(nameDer)).map((rdn) => Buffer.from(rdn.bytes.subarray(rdn.start, rdn.end)).toString('hex'));
  } catch {
    return ['(unreadable)'];
  }
}

function contiguousMask(mask: Uint8Array): boolean {
  let zero = false;
  for (const byte of mask) {
    for (let bit = 7; bit >= 0; bit--) {
      const set = (byte >> bit) & 1;
      if (set && zero) return false;
      if (!set) zero = true;
    }
  }
  return true;
}

function describe(subtree: Subtree): string {
  if (subtree.form === 'IP') {
    const half = subtree.bytes.length / 2;
    return `IP:${ipText(subtree.bytes.subarray(0, half))}/${ipText(subtree.bytes.subarray(half))}`;
  }
  if (subtree.form === 'directoryName') return 'directoryName';
  return `${subtree.form}:${subtree.text}`;
}

/** Bytes of an IPv4 or IPv6 address in text, or null when it is neither. */
export function ipBytes(text: string): Uint8Array | null {
  const kind = isIP(text);
  if (kind === 4) return Uint8Array.from(text.split('.').map(Number));
  if (kind !== 6) return null;
  const [head = '', tail = ''] = text.split('::');
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  let left = groups(head);
  let right = text.includes('::') ? groups(tail) : [];
  // An embedded IPv4 tail ("::ffff:127.0.0.1") is two groups.
  const embed = (list: string[]) =>
    list.flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  left = embed(left);
  right = embed(right);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return Uint8Array.from(all.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}


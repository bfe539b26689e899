import { isIP } from 'node:net';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  Certificate,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_certificatePolicies,
  id_ce_extKeyUsage,
  id_ce_inhibitAnyPolicy,
  id_ce_keyUsage,
  id_ce_nameConstraints,
  id_ce_policyConstraints,
  id_ce_policyMappings,
  id_ce_subjectAltName,
} from '@peculiar/asn1-x509';
import type { ParsedCertificate } from '../certificate/parse.js';
import { children, content, readTlv, type Tlv } from '../asn1/der.js';

/**
 * Critical extensions a path may carry, as OpenSSL's list of supported ones: keyUsage,
 * extendedKeyUsage, basicConstraints, subjectAltName and nameConstraints are checked here; the
 * policy extensions are accepted as OpenSSL does without requiring a policy. Any other critical
 * extension makes the certificate invalid (RFC 5280 §4.2: a verifier must reject a critical
 * extension it does not process).
 */
export const HANDLED_CRITICAL_EXTENSIONS: Record<string, string> = {
  [id_ce_keyUsage]: 'keyUsage',
  [id_ce_extKeyUsage]: 'extendedKeyUsage',
  [id_ce_basicConstraints]: 'basicConstraints',
  [id_ce_subjectAltName]: 'subjectAltName',
  [id_ce_nameConstraints]: 'nameConstraints',
  [id_ce_certificatePolicies]: 'certificatePolicies',
  [id_ce_policyConstraints]: 'policyConstraints',
  [id_ce_policyMappings]: 'policyMappings',
  [id_ce_inhibitAnyPolicy]: 'inhibitAnyPolicy',
};

const EXTENSION_NAMES: Record<string, string> = { ...HANDLED_CRITICAL_EXTENSIONS, [id_ce_authorityKeyIdentifier]: 'authorityKeyIdentifier', '2.5.29.14': 'subjectKeyIdentifier' };

interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

function extensionsOf(cert: ParsedCertificate): RawExtension[] {
  const asn = AsnConvert.parse(cert.der, Certificate);
  return (asn.tbsCertificate.extensions ?? []).map((e) => ({ oid: e.extnID, critical: e.critical, value: new Uint8Array(e.extnValue.buffer) }));
}

/** The critical extensions of a certificate that no rule here processes, by name or OID. */
export function unhandledCriticalExtensions(cert: ParsedCertificate): string[] {
  return extensionsOf(cert)
    .filter((e) => e.critical && !(e.oid in HANDLED_CRITICAL_EXTENSIONS))
    .map((e) => EXTENSION_NAMES[e.oid] ?? e.oid);
}

/** GeneralName forms by context tag; only dNSName [2] and iPAddress [7] are matched. */
const FORM_BY_TAG: Record<number, string> = { 0xa0: 'otherName', 0x81: 'email', 0xa3: 'x400Address', 0xa4: 'directoryName', 0xa5: 'ediPartyName', 0x86: 'URI', 0x82: 'DNS', 0x87: 'IP', 0x88: 'registeredID' };

interface Subtree {
  form: string;
  /** DNS: the base name; IP: address and mask bytes. */
  dns?: string;
  ip?: Uint8Array;
}

export interface NameConstraintsFinding {
  kind: 'excluded' | 'not-permitted' | 'unsupported';
  /** The leaf's name at fault, or the constraint forms not supported. */
  name: string;
  /** The constraint it broke, as text. */
  constraint: string;
}

/**
 * Checks the leaf's subjectAltName DNS names and IP addresses against the nameConstraints of
 * `ca` (RFC 5280 §4.2.1.10, with OpenSSL's DNS semantics): a name inside any excluded subtree is
 * refused; when permitted subtrees of a form exist, each name of that form must be inside one.
 * Constraint forms not matched here (email, URI, directoryName…) in a critical extension fail
 * closed: accepting them would skip a restriction the CA asked for.
 */
export function nameConstraintsFinding(ca: ParsedCertificate, leaf: ParsedCertificate): NameConstraintsFinding | null {
  const extension = extensionsOf(ca).find((e) => e.oid === id_ce_nameConstraints);
  if (!extension) return null;
  const { permitted, excluded } = parseNameConstraints(extension.value);
  const unsupported = [...new Set([...permitted, ...excluded].map((s) => s.form).filter((form) => form !== 'DNS' && form !== 'IP'))];
  if (unsupported.length > 0 && extension.critical) return { kind: 'unsupported', name: unsupported.join(', '), constraint: unsupported.join(', ') };

  const names = leaf.facts.subjectAltNames
    .map((n) => (n.type === 'DNS' ? { form: 'DNS', text: n.value, dns: n.value.toLowerCase() } : n.type === 'IP' ? { form: 'IP', text: n.value, ip: ipBytes(n.value) } : null))
    .filter((n) => n !== null);
  for (const name of names) {
    const hit = excluded.find((s) => s.form === name.form && within(name, s));
    if (hit) return { kind: 'excluded', name: name.text, constraint: describe(hit) };
    const allowed = permitted.filter((s) => s.form === name.form);
    if (allowed.length > 0 && !allowed.some((s) => within(name, s))) return { kind: 'not-permitted', name: name.text, constraint: allowed.map(describe).join(', ') };
  }
  return null;
}

function parseNameConstraints(value: Uint8Array): { permitted: Subtree[]; excluded: Subtree[] } {
  const result = { permitted: [] as Subtree[], excluded: [] as Subtree[] };
  for (const part of children(readTlv(value))) {
    // [0] permittedSubtrees, [1] excludedSubtrees: each a list of GeneralSubtree SEQUENCEs.
    const list = part.tag === 0xa0 ? result.permitted : part.tag === 0xa1 ? result.excluded : null;
    for (const subtree of list ? children(part) : []) {
      const base = children(subtree)[0] as Tlv;
      list?.push(subtreeOf(base));
    }
  }
  return result;
}

function subtreeOf(base: Tlv): Subtree {
  const form = FORM_BY_TAG[base.tag] ?? `tag ${base.tag}`;
  if (form === 'DNS') return { form, dns: Buffer.from(content(base)).toString('latin1').toLowerCase() };
  if (form === 'IP') return { form, ip: content(base) };
  return { form };
}

function within(name: { form: string; dns?: string; ip?: Uint8Array | null }, subtree: Subtree): boolean {
  if (name.form === 'DNS') return dnsWithin(name.dns as string, subtree.dns as string);
  return ipWithin(name.ip ?? null, subtree.ip as Uint8Array);
}

/**
 * OpenSSL's rule: an empty base allows everything; "example.com" covers itself and any name
 * ending in ".example.com"; ".example.com" covers only names below it.
 */
function dnsWithin(name: string, base: string): boolean {
  if (base === '') return true;
  if (name.length < base.length) return false;
  const tail = name.slice(name.length - base.length);
  if (tail !== base) return false;
  return name.length === base.length || base.startsWith('.') || name[name.length - base.length - 1] === '.';
}

/** The address with the mask applied equals the base with the mask applied; an IPv4 name never matches an IPv6 base. */
function ipWithin(address: Uint8Array | null, base: Uint8Array): boolean {
  if (!address || base.length !== address.length * 2) return false;
  const mask = base.subarray(address.length);
  return address.every((byte, i) => (byte & (mask[i] as number)) === ((base[i] as number) & (mask[i] as number)));
}

function describe(subtree: Subtree): string {
  if (subtree.form === 'DNS') return `DNS:${subtree.dns}`;
  if (subtree.form === 'IP' && subtree.ip) {
    const half = subtree.ip.length / 2;
    return `IP:${ipText(subtree.ip.subarray(0, half))}/${ipText(subtree.ip.subarray(half))}`;
  }
  return subtree.form;
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

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

import { isIP } from 'node:net';
import { children, content, readTlv } from '../asn1/der.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { ipBytes } from './constraints.js';
import { subjectAltNamesOf } from './names.js';
import { OID, viewOf } from './view.js';

/**
 * The RFC 5280 / CA/B Forum profile rules that x509-limbo expects a validator to enforce. A rule
 * limbo tags as pedantic (its `pedantic-*` and `rfc5280-incompatible-with-webpki` features, the
 * ones real validators disagree on) is a warning unless `strict`: it is then reported, but the
 * chain stays valid. The list is in docs/checks.md.
 */
export interface ProfileFinding {
  /** A phrase after the certificate's name: "has two subjectAltName extensions". */
  what: string;
  /** The rule: "RFC 5280 §4.2". */
  rule: string;
  pedantic: boolean;
}

export interface ProfileContext {
  /** 0 = leaf. */
  position: number;
  /** The certificate is the path's trust anchor. */
  anchor: boolean;
  /** The leaf is checked as a TLS server certificate. */
  server: boolean;
}

export function profileFindings(cert: ParsedCertificate, context: ProfileContext): ProfileFinding[] {
  const view = viewOf(cert);
  const facts = cert.facts;
  const leaf = context.position === 0;
  const findings: ProfileFinding[] = [];
  const add = (what: string, rule: string, pedantic = false) => findings.push({ what, rule, pedantic });
  if (view.unreadable) {
    add(`does not read as a DER certificate (${view.unreadable})`, 'RFC 5280 §4.1');
    return findings;
  }
  const byOid = new Map<string, number>();
  for (const e of view.extensions) byOid.set(e.oid, (byOid.get(e.oid) ?? 0) + 1);
  for (const [oid, count] of byOid) if (count > 1) add(`carries the extension ${oid} ${count} times`, 'RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension');
  const extension = (oid: string) => view.extensions.find((e) => e.oid === oid);

  // Serial numbers: positive, at most 20 octets.
  const serial = view.serial;
  if (serial.length > 20 && !(serial.length === 21 && serial[0] === 0)) add(`has a serial number of ${serial.length} octets`, 'RFC 5280 §4.1.2.2: at most 20 octets', true);
  else if (serial.every((b) => b === 0)) add('has the serial number 0', 'RFC 5280 §4.1.2.2: serial numbers are positive', true);
  else if (((serial[0] ?? 0) & 0x80) !== 0) add('has a negative serial number', 'RFC 5280 §4.1.2.2: serial numbers are positive', true);

  // Names.
  if (view.issuerEmpty) add('has an empty issuer name', 'RFC 5280 §4.1.2.4: the issuer MUST be a non-empty DN');
  const san = extension(OID.subjectAltName);
  const sans = subjectAltNamesOf(cert);
  if (sans === 'malformed') add('has a subjectAltName that does not decode (or is empty)', 'RFC 5280 §4.2.1.6');
  if (view.subjectEmpty) {
    if (facts.isCa && !leaf) add('is a CA with an empty subject', 'RFC 5280 §4.1.2.6: a CA subject MUST be non-empty');
    else if (!san) add('has an empty subject and no subjectAltName', 'RFC 5280 §4.1.2.6');
    else if (!san.critical) add('has an empty subject but a non-critical subjectAltName', 'RFC 5280 §4.2.1.6: with an empty subject the SAN MUST be critical');
  } else if (leaf && san?.critical) {
    add('has a non-empty subject but a critical subjectAltName', 'CA/B Forum 7.1.2.7.12: the SAN is critical only when the subject is empty');
  }
  if (sans !== 'malformed') {
    for (const name of sans) {
      if (name.form === 'DNS' && !validDnsName(name.text, leaf)) add(`has the malformed DNS name '${name.text}' in its subjectAltName`, 'RFC 5280 §4.2.1.6 (preferred name syntax, RFC 1034)');
    }
  }
  if (sans !== 'malformed') {
    for (const name of sans) if (name.form === 'email' && !/^[^@]+@[^@]+$/.test(name.text)) add(`has the malformed email address '${name.text}' in its subjectAltName`, 'RFC 5280 §4.2.1.6 (an RFC 5321 Mailbox)');
  }
  if (leaf && context.server && sans !== 'malformed' && sans.length > 0 && facts.subjectCommonName) {
    const cn = facts.subjectCommonName;
    const mismatch = cnMisencodesSan(cn, sans);
    if (mismatch) add(`has the CN '${cn}', ${mismatch}`, 'CA/B Forum 7.1.4.3: a CN holds one of the SAN values, character for character, in its canonical form');
    // A host-shaped CN that is none of the SAN entries: a CA/B Forum violation that no TLS client
    // acts on (Node, Go, OpenSSL and browsers ignore the CN when a SAN is present), so a warning,
    // an error only with --strict. limbo's webpki::cn::not-in-san wants a refusal; its success
    // cases (rfc5280::nc::permitted-dns-match-more: CN example.com beside SAN foo.bar.example.com)
    // have the same shape, so no rule on the certificate alone can refuse one and pass the other.
    else if (isIP(cn) === 0 && cn.includes('.') && validDnsName(cn, true) && !sans.some((n) => n.text.toLowerCase() === cn.toLowerCase())) {
      add(`has the CN '${cn}', which is none of its subjectAltName entries`, 'CA/B Forum 7.1.4.3; clients ignore the CN when a SAN is present', true);
    }
  }

  // Key identifiers.
  const aki = extension(OID.authorityKeyIdentifier);
  const ski = extension(OID.subjectKeyIdentifier);
  if (!facts.selfSigned) {
    if (!aki) add('has no authorityKeyIdentifier', 'RFC 5280 §4.2.1.1: MUST be present except in self-signed certificates', context.anchor);
  } else if (aki) {
    const parts = akiParts(aki.value);
    if (!parts) add('has an authorityKeyIdentifier that does not decode', 'RFC 5280 §4.2.1.1');
    else {
      if (!parts.keyIdentifier) add('is a root whose authorityKeyIdentifier lacks keyIdentifier', 'CA/B Forum 7.1.2.1.3');
      if (parts.issuerOrSerial) add('is a root whose authorityKeyIdentifier carries authorityCertIssuer or authorityCertSerialNumber', 'CA/B Forum 7.1.2.1.3');
      if (parts.keyIdentifier && ski && Buffer.compare(Buffer.from(parts.keyIdentifier), Buffer.from(skiValue(ski.value) ?? [])) !== 0) add('is a root whose authorityKeyIdentifier differs from its subjectKeyIdentifier', 'CA/B Forum 7.1.2.1.3');
    }
  }
  if (facts.isCa && !leaf && !ski) add('is a CA without a subjectKeyIdentifier', 'RFC 5280 §4.2.1.2: MUST appear in all CA certificates');

  // CA bits.
  const basic = facts.basicConstraints;
  if (!leaf && facts.isCa && basic && !basic.critical) add('is a CA whose basicConstraints is not critical', 'RFC 5280 §4.2.1.9: MUST be critical in CA certificates');
  if (leaf && !facts.isCa && facts.keyUsage?.includes('keyCertSign')) add('is not a CA (no basicConstraints CA:TRUE) but its keyUsage asserts keyCertSign', 'RFC 5280 §4.2.1.9');
  if (leaf && facts.isCa && facts.keyUsage && !facts.keyUsage.includes('keyCertSign')) add('is a leaf with basicConstraints CA:TRUE but no keyCertSign', 'RFC 5280 §4.2.1.9 and CA/B Forum 7.1.2.7.8 (cA MUST be FALSE)');
  // A self-signed CA:TRUE certificate trusted directly (what `openssl req -x509` makes for development) stays accepted: Node does.
  if (leaf && context.server && facts.isCa && !facts.selfIssued) add('is a CA certificate (basicConstraints CA:TRUE) used as a TLS server certificate', 'CA/B Forum 7.1.2.7.8: cA MUST be FALSE in a subscriber certificate; rustls-webpki refuses it, OpenSSL and Node refuse it when its keyUsage lacks digitalSignature');
  const nc = extension(OID.nameConstraints);
  if (nc && !facts.isCa) add('carries nameConstraints but is not a CA', 'RFC 5280 §4.2.1.10: MUST be used only in a CA certificate');
  if (nc && facts.isCa && !nc.critical) add('has nameConstraints that are not critical', 'RFC 5280 §4.2.1.10: MUST be critical', true);
  const pc = extension(OID.policyConstraints);
  if (pc && !pc.critical) add('has policyConstraints that are not critical', 'RFC 5280 §4.2.1.11: MUST be critical', true);
  const aia = extension(OID.authorityInfoAccess);
  if (aia && !sequenceOfAtLeastOne(aia.value)) add('has an authorityInfoAccess that does not decode or is empty', 'RFC 5280 §4.2.2.1: one or more AccessDescriptions');

  // extendedKeyUsage as the CA/B Forum wants it (pedantic: OpenSSL, Go and Node accept these).
  const eku = extension(OID.extendedKeyUsage);
  if (leaf && context.server) {
    if (!eku) add('has no extendedKeyUsage', 'CA/B Forum 7.1.2.7.10: a subscriber certificate lists serverAuth', true);
    else {
      if (eku.critical) add('has a critical extendedKeyUsage', 'CA/B Forum 7.1.2.7.10', true);
      if (facts.extendedKeyUsage?.includes('anyExtendedKeyUsage')) add('lists anyExtendedKeyUsage', 'CA/B Forum 7.1.2.7.10', true);
    }
  }
  if (!leaf && facts.selfSigned && context.anchor && eku) add('is a root with an extendedKeyUsage', 'CA/B Forum 7.1.2.1.2: a root has no extKeyUsage', true);
  return findings;
}

/** LDH labels, no empty label (so no leading period), a wildcard only as the whole left-most label of a leaf's name. */
function validDnsName(name: string, leaf: boolean): boolean {
  const labels = name.replace(/\.$/, '').split('.');
  return labels.every((label, i) => (label === '*' && i === 0 && leaf && labels.length > 1) || /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label) || (i === 0 && leaf && /^[A-Za-z0-9-]*\*[A-Za-z0-9-]*$/.test(label)));
}

/**
 * A CN that stands for one of the SAN entries but is written differently: an IP address not in
 * its canonical form (hex, leading zeros, upper-case or uncompressed IPv6), a DNS name differing
 * only by case, or an internationalised name (U-label or A-label) that is not in the SAN. A
 * verifier that still reads the CN (Node does, for certificates without DNS SANs) and one that
 * reads the SAN would then see two names. A CN unrelated to the SAN ("example.com" beside
 * "api.example.com") is accepted: limbo's own cases disagree on it, and Node, Go and browsers
 * ignore the CN whenever a SAN is present.
 */
function cnMisencodesSan(cn: string, sans: { form: string; text: string; bytes: Uint8Array }[]): string | null {
  const dns = sans.filter((n) => n.form === 'DNS').map((n) => n.text);
  const ipLike = isIP(cn) !== 0 || /^0x[0-9a-f]+$/i.test(cn) || /^[0-9]+(\.[0-9]+){3}$/.test(cn);
  if (ipLike) {
    // A canonical address unrelated to the SAN is accepted like any unrelated CN (bettertls has many).
    return isIP(cn) !== 0 && canonicalIp(cn) === cn ? null : 'an IP address not in its canonical text form (RFC 3986 dotted decimal, RFC 5952 for IPv6)';
  }
  if (dns.includes(cn)) return null;
  if (dns.some((d) => d.toLowerCase() === cn.toLowerCase())) return 'which differs from its DNS SAN entry by letter case';
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(cn) || /(^|\.)xn--/i.test(cn)) return 'an internationalised name that is not one of its SAN entries as written';
  return null;
}

/** RFC 5952 text for IPv6 (lower case, longest zero run compressed), dotted quad without leading zeros for IPv4. */
function canonicalIp(text: string): string {
  const bytes = ipBytes(text);
  if (!bytes) return text;
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > (best[1] as number) && j - i > 1) best = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if ((best[0] as number) < 0) return hex.join(':');
  const [start, length] = best as [number, number];
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

function sameIp(text: string, bytes: Uint8Array): boolean {
  const wanted = ipBytes(text);
  return !!wanted && wanted.length === bytes.length && wanted.every((b, i) => b === bytes[i]);
}

function akiParts(value: Uint8Array): { keyIdentifier: Uint8Array | null; issuerOrSerial: boolean } | null {
  try {
    const fields = children(readTlv(value));
    const id = fields.find((f) => f.tag === 0x80);
    return { keyIdentifier: id ? content(id) : null, issuerOrSerial: fields.some((f) => f.tag === 0xa1 || f.tag === 0x82) };
  } catch {
    return null;
  }
}

function skiValue(value: Uint8Array): Uint8Array | null {
  try {
    return content(readTlv(value));
  } catch {
    return null;
  }
}

function sequenceOfAtLeastOne(value: Uint8Array): boolean {
  try {
    const outer = readTlv(value);
    const entries = children(outer);
    return outer.tag === 0x30 && outer.end === value.length && entries.length > 0 && entries.every((e) => e.tag === 0x30 && children(e).length === 2);
  } catch {
    return false;
  }
}

import { children, content, readTlv, type Tlv } from '../asn1/der.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { OID, viewOf } from './view.js';

/** A name a certificate holds, in the forms name constraints and host checks read. */
export interface HeldName {
  form: 'DNS' | 'IP' | 'email' | 'URI' | 'directoryName' | 'otherName' | 'other';
  /** As people read it. */
  text: string;
  /** DNS, email, URI: the string; IP: the address bytes; directoryName: the Name DER. */
  bytes: Uint8Array;
  /** Where it came from: the subjectAltName or the subject DN. */
  source: 'SAN' | 'subject';
}

const FORM_BY_TAG: Record<number, HeldName['form']> = { 0xa0: 'otherName', 0x81: 'email', 0x82: 'DNS', 0xa4: 'directoryName', 0x86: 'URI', 0x87: 'IP' };

const sanCache = new WeakMap<ParsedCertificate, HeldName[] | 'malformed'>();

/** The subjectAltName entries, read from DER (every form, with the bytes), or 'malformed'. */
export function subjectAltNamesOf(cert: ParsedCertificate): HeldName[] | 'malformed' {
  const known = sanCache.get(cert);
  if (known) return known;
  let names: HeldName[] | 'malformed' = [];
  const extension = viewOf(cert).extensions.find((e) => e.oid === OID.subjectAltName);
  if (extension) {
    try {
      const outer = readTlv(extension.value);
      if (outer.tag !== 0x30 || outer.end !== extension.value.length) throw new Error('not a SEQUENCE');
      names = children(outer).map((entry) => generalName(entry, 'SAN'));
      if (names.length === 0) names = 'malformed';
    } catch {
      names = 'malformed';
    }
  }
  sanCache.set(cert, names);
  return names;
}

export function generalName(entry: Tlv, source: HeldName['source']): HeldName {
  const form = FORM_BY_TAG[entry.tag] ?? 'other';
  const bytes = form === 'directoryName' ? (() => {
    const [name] = children(entry);
    return name ? entry.bytes.subarray(name.start, name.end) : new Uint8Array();
  })() : content(entry);
  const text = form === 'IP' ? ipText(bytes) : form === 'directoryName' ? '(directory name)' : form === 'otherName' || form === 'other' ? `(${form})` : Buffer.from(bytes).toString('latin1');
  return { form, text, bytes, source };
}

/** Every name of `cert` that name constraints apply to: SAN entries, the subject DN and its emailAddress attributes. */
export function constrainedNames(cert: ParsedCertificate): HeldName[] | 'malformed' {
  const sans = subjectAltNamesOf(cert);
  if (sans === 'malformed') return sans;
  const view = viewOf(cert);
  const names = [...sans];
  if (!view.subjectEmpty && view.subjectDer.length > 0) names.push({ form: 'directoryName', text: cert.facts.subject, bytes: view.subjectDer, source: 'subject' });
  // RFC 5280 §4.2.1.10: email constraints apply to emailAddress attributes of the subject too, when the SAN has no rfc822Name.
  if (!sans.some((n) => n.form === 'email')) {
    for (const rdn of view.subjectRdns) for (const a of rdn) if (a.oid === OID.emailAddress) names.push({ form: 'email', text: Buffer.from(a.value).toString('latin1'), bytes: a.value, source: 'subject' });
  }
  return names;
}

export function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return `(${bytes.length}-byte address)`;
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2) groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:{3,}/, '::');
}

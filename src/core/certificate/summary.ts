import { hash, X509Certificate } from 'node:crypto';
import { children, content, readOid, readTlv, type Tlv } from '../asn1/der.js';
import { ATTRIBUTE_SHORT_NAMES } from './oids.js';
import { readCertificateStructure, readTime, type CertificateStructure } from './tbs.js';

/**
 * What a bulk scan (expiry) needs of a certificate, with the meaning and the formats of Node's
 * X509Certificate: names as Node prints them ("C=US\nCN=Example"), `ca` as OpenSSL's
 * X509_check_ca, the SHA-256 fingerprint as colon-separated upper-case hex.
 */
export type CertificateSummary = Pick<X509Certificate, 'subject' | 'issuer' | 'validFrom' | 'validTo' | 'ca' | 'fingerprint256' | 'serialNumber'> & {
  /** extendedKeyUsage OIDs (Node's `keyUsage`); undefined when the certificate has none. */
  keyUsage?: string[] | undefined;
};

/**
 * Summarises DER without Node's parser when the certificate is plain, which is ten times faster:
 * OpenSSL 3 spends ~100 µs decoding each public key, and a scan needs none of them. Anything out of
 * the ordinary (names that need escaping, unusual time forms, a CA flag that OpenSSL might still
 * refuse) goes to X509Certificate, so the result is always what Node would say.
 */
export function summarizeCertificate(der: Buffer): CertificateSummary {
  let structure: CertificateStructure | null = null;
  try {
    structure = readCertificateStructure(der);
  } catch {
    structure = null;
  }
  const quick = structure ? quickSummary(structure, der) : null;
  return quick ?? checkedTimes(new X509Certificate(der));
}

/**
 * OpenSSL parses a certificate whose validity times are damaged (a bit flipped in "240101…Z"),
 * and Node then reports them as the text "Bad time value": such a certificate has no expiry to
 * report, so it is refused as damaged, as one that does not parse at all is.
 */
function checkedTimes(certificate: X509Certificate): X509Certificate {
  for (const [field, value] of [['notBefore', certificate.validFrom], ['notAfter', certificate.validTo]] as const) {
    if (!Number.isFinite(Date.parse(value))) throw new Error(`the certificate's ${field} time cannot be read (${value})`);
  }
  return certificate;
}

function quickSummary(structure: CertificateStructure, der: Buffer): CertificateSummary | null {
  const subject = nodeName(structure.subject);
  const issuer = issuerName(structure.issuer);
  const notBefore = readTime(structure.notBefore);
  const notAfter = readTime(structure.notAfter);
  if (subject === null || issuer === null || !notBefore || !notAfter) return null;
  // OpenSSL calls a certificate a CA only when every extension is valid: a "yes" is left to it.
  if (mayBeCa(structure)) return null;
  const fingerprint = hash('sha256', der, 'hex').toUpperCase();
  const keyUsage = extendedKeyUsage(structure);
  if (keyUsage === null) return null;
  return {
    subject,
    issuer,
    validFrom: notBefore.toISOString(),
    validTo: notAfter.toISOString(),
    ca: false,
    fingerprint256: fingerprint.replace(/..(?!$)/g, '$&:'),
    serialNumber: serialHex(structure.serialNumber),
    keyUsage,
  };
}

const EXTENDED_KEY_USAGE = '2.5.29.37';

/** The EKU OIDs as Node lists them; undefined without the extension, null when it looks odd (left to Node). */
function extendedKeyUsage(structure: CertificateStructure): string[] | undefined | null {
  const found = structure.extensions.filter((e) => e.oid === EXTENDED_KEY_USAGE);
  if (found.length === 0) return undefined;
  if (found.length > 1) return null;
  try {
    const value = (found[0] as { value: Uint8Array }).value;
    const list = readTlv(value);
    if (list.tag !== 0x30 || list.end !== value.length) return null;
    return children(list).map(readOid);
  } catch {
    return null;
  }
}

/** Upper-case hex without leading zero bytes, as Node's serialNumber. */
function serialHex(serial: Tlv): string {
  const bytes = Buffer.from(content(serial));
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  return bytes.subarray(start).toString('hex').toUpperCase();
}

const BASIC_CONSTRAINTS = '2.5.29.19';

/** True unless basicConstraints is absent or says cA FALSE (then X509_check_ca is 0 whatever else holds). */
function mayBeCa(structure: CertificateStructure): boolean {
  const basic = structure.extensions.filter((e) => e.oid === BASIC_CONSTRAINTS);
  if (basic.length === 0) return false;
  // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLen INTEGER OPTIONAL }: cA TRUE is 30 xx 01 01 FF.
  const value = basic[0]?.value;
  return basic.length > 1 || !value || value[0] !== 0x30 || (value.length > 2 && value[2] === 0x01);
}

const PRINTABLE_STRING = 0x13;
const UTF8_STRING = 0x0c;
const IA5_STRING = 0x16;
/** Printable ASCII that RFC 2253 escaping leaves alone (OpenSSL escapes , + " \ < > ;). */
const PLAIN_VALUE = /^[^\s#,+"\\<>;\x00-\x1f\x7f-\xff](?:[^,+"\\<>;\x00-\x1f\x7f-\xff]*[^\s,+"\\<>;\x00-\x1f\x7f-\xff])?$/;

/** Issuer names seen so far, by their DER: a folder of certificates has few issuers. */
const issuerNames = new Map<string, string | null>();

function issuerName(name: Tlv): string | null {
  const key = latin1(name.bytes.subarray(name.start, name.end));
  let found = issuerNames.get(key);
  if (found === undefined) {
    found = nodeName(name);
    if (issuerNames.size >= 64) issuerNames.clear();
    issuerNames.set(key, found);
  }
  return found;
}

/**
 * A Name as Node prints it (one "SN=value" line per RDN), or null when printing it would involve
 * escaping, multi-valued RDNs, other string types or unlisted attributes.
 */
export function nodeName(name: Tlv): string | null {
  const lines: string[] = [];
  for (const rdn of children(name)) {
    const attributes = children(rdn);
    if (rdn.tag !== 0x31 || attributes.length !== 1) return null;
    const [type, value, extra] = children(attributes[0] as Tlv);
    if (!type || !value || extra) return null;
    const shortName = ATTRIBUTE_SHORT_NAMES[readOid(type)];
    if (!shortName || (value.tag !== PRINTABLE_STRING && value.tag !== UTF8_STRING && value.tag !== IA5_STRING)) return null;
    const text = latin1(content(value));
    if (!PLAIN_VALUE.test(text)) return null;
    lines.push(`${shortName}=${text}`);
  }
  return lines.length > 0 ? lines.join('\n') : null;
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

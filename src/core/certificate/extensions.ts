import { children, content, readOid, readTlv, type Tlv } from '../asn1/der.js';
import { colonHex } from '../key/describe.js';
import { extendedKeyUsageName } from './oids.js';
import { BIT_STRING, BOOLEAN, INTEGER, OBJECT_IDENTIFIER, OCTET_STRING, SEQUENCE, type RawExtension } from './tbs.js';

export interface SubjectAltName {
  type: 'DNS' | 'IP' | 'URI' | 'email' | 'dirName' | 'other';
  value: string;
}

/** What a person asks of a certificate's extensions. null: the extension is absent or does not decode. */
export interface ExtensionFacts {
  subjectAltNames: SubjectAltName[];
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  basicConstraints: { ca: boolean; pathLength: number | null; critical: boolean } | null;
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
}

const OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extendedKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  crlDistributionPoints: '2.5.29.31',
  ocsp: '1.3.6.1.5.5.7.48.1',
  caIssuers: '1.3.6.1.5.5.7.48.2',
} as const;

/** The reader cannot vouch for this input; the caller uses the full ASN.1 schema parser instead. */
class Unsure extends Error {}
const unsure = (): never => {
  throw new Unsure();
};

/**
 * Reads the extensions `inspect` shows straight from DER, with the values @peculiar/asn1-x509
 * gives (test/unit/certificate-facts.test.ts compares the two). Only plain, well-formed DER is
 * read here: anything else (a value that might not decode, a rare name form, a duplicate
 * extension) returns null, and the caller parses with the schema, which decides as before.
 */
export function readExtensionFacts(extensions: RawExtension[]): ExtensionFacts | null {
  const byOid = new Map<string, RawExtension>();
  for (const extension of extensions) {
    if (byOid.has(extension.oid)) return null;
    byOid.set(extension.oid, extension);
  }
  const valueOf = (oid: string): Tlv | null => {
    const found = byOid.get(oid);
    if (!found) return null;
    const tlv = readTlv(found.value);
    if (tlv.end !== found.value.length) unsure();
    return tlv;
  };
  try {
    const basic = valueOf(OID.basicConstraints);
    const keyUsage = valueOf(OID.keyUsage);
    const eku = valueOf(OID.extendedKeyUsage);
    const san = valueOf(OID.subjectAltName);
    const ski = valueOf(OID.subjectKeyIdentifier);
    const aki = valueOf(OID.authorityKeyIdentifier);
    const aia = valueOf(OID.authorityInfoAccess);
    const crl = valueOf(OID.crlDistributionPoints);
    const accessPoints = aia ? accessDescriptions(aia) : [];
    return {
      subjectAltNames: san ? generalNames(san) : [],
      keyUsage: keyUsage ? keyUsageNames(keyUsage) : null,
      extendedKeyUsage: eku ? nonEmpty(sequenceOf(eku)).map((item) => extendedKeyUsageName(oidOf(item))) : null,
      basicConstraints: basic ? { ...basicConstraints(basic), critical: criticalOf(byOid.get(OID.basicConstraints)) } : null,
      subjectKeyIdentifier: ski ? colonHex(octets(ski, OCTET_STRING)) : null,
      authorityKeyIdentifier: aki ? authorityKeyId(aki) : null,
      ocspUrls: accessPoints.filter((a) => a.method === OID.ocsp).flatMap((a) => uriOf(a.location)),
      caIssuerUrls: accessPoints.filter((a) => a.method === OID.caIssuers).flatMap((a) => uriOf(a.location)),
      crlUrls: crl ? sequenceOf(crl).flatMap(distributionPointUrls) : [],
    };
  } catch {
    return null;
  }
}

function sequenceOf(tlv: Tlv): Tlv[] {
  if (tlv.tag !== SEQUENCE) unsure();
  return children(tlv);
}

/** An empty SEQUENCE OF breaks the X.509 syntax: whether the schema takes it is left to the schema. */
function nonEmpty(items: Tlv[]): Tlv[] {
  if (items.length === 0) unsure();
  return items;
}

function octets(tlv: Tlv, tag: number): Uint8Array {
  if (tlv.tag !== tag) unsure();
  return content(tlv);
}

/** OIDs whose every arc fits in 28 bits, which both readers decode alike. */
function oidOf(tlv: Tlv): string {
  if (tlv.tag !== OBJECT_IDENTIFIER) unsure();
  const data = content(tlv);
  let run = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (run === 0 && byte === 0x80) unsure();
    run = byte & 0x80 ? run + 1 : 0;
    if (run > 3) unsure();
  }
  if (data.length === 0 || run !== 0) unsure();
  return readOid(tlv);
}

function criticalOf(extension: RawExtension | undefined): boolean {
  return extension?.critical ?? false;
}

function booleanOf(tlv: Tlv): boolean {
  const data = octets(tlv, BOOLEAN);
  if (data.length !== 1 || (data[0] !== 0x00 && data[0] !== 0xff)) unsure();
  return data[0] === 0xff;
}

/** A non-negative INTEGER of at most 31 bits, minimally encoded. */
function smallIntegerOf(tlv: Tlv): number {
  const data = octets(tlv, INTEGER);
  if (data.length === 0 || data.length > 4 || (data[0] as number) & 0x80) unsure();
  if (data.length > 1 && data[0] === 0 && !((data[1] as number) & 0x80)) unsure();
  return data.reduce((value, byte) => value * 256 + byte, 0);
}

function basicConstraints(tlv: Tlv): { ca: boolean; pathLength: number | null } {
  const items = sequenceOf(tlv);
  let at = 0;
  let ca = false;
  if (items[at]?.tag === BOOLEAN) ca = booleanOf(items[at++] as Tlv);
  const pathLength = items[at]?.tag === INTEGER ? smallIntegerOf(items[at++] as Tlv) : null;
  if (at !== items.length) unsure();
  return { ca, pathLength };
}

const KEY_USAGE_FLAGS: [number, string][] = [
  [64, 'crlSign'],
  [8, 'dataEncipherment'],
  [256, 'decipherOnly'],
  [1, 'digitalSignature'],
  [128, 'encipherOnly'],
  [16, 'keyAgreement'],
  [32, 'keyCertSign'],
  [4, 'keyEncipherment'],
  [2, 'nonRepudiation'],
];

/** The flag names in asn1-x509's KeyUsage.toJSON order, from its BitString.toNumber arithmetic. */
function keyUsageNames(tlv: Tlv): string[] {
  const data = octets(tlv, BIT_STRING);
  const unusedBits = data[0] as number;
  if (data.length < 2 || data.length > 3 || unusedBits > 7) unsure();
  let bits = '';
  for (const octet of data.subarray(1)) bits += octet.toString(2).padStart(8, '0');
  bits = bits.split('').reverse().join('');
  if (unusedBits) bits = bits.slice(unusedBits).padStart(unusedBits, '0');
  const flags = Number.parseInt(bits, 2);
  return KEY_USAGE_FLAGS.filter(([flag]) => flags & flag).map(([, name]) => name);
}

function authorityKeyId(tlv: Tlv): string | null {
  let keyId: string | null = null;
  for (const item of sequenceOf(tlv)) {
    if (item.tag === 0x80) keyId = colonHex(content(item));
    // [2] authorityCertSerialNumber: any non-empty INTEGER body reads alike.
    else if (item.tag !== 0x82 || item.end === item.contentStart) unsure(); // [1] authorityCertIssuer: left to the schema
  }
  return keyId;
}

function accessDescriptions(tlv: Tlv): { method: string; location: SubjectAltName }[] {
  return sequenceOf(tlv).map((item) => {
    const [method, location, extra] = sequenceOf(item);
    if (!method || !location || extra) unsure();
    return { method: oidOf(method as Tlv), location: generalName(location as Tlv) };
  });
}

function distributionPointUrls(point: Tlv): string[] {
  const [name, extra] = sequenceOf(point);
  if (!name) return [];
  if (name.tag !== 0xa0 || extra) unsure(); // reasons, cRLIssuer: left to the schema
  const [fullName, more] = children(name);
  if (!fullName || fullName.tag !== 0xa0 || more) unsure(); // nameRelativeToCRLIssuer
  return children(fullName as Tlv).map(generalName).flatMap(uriOf);
}

function uriOf(name: SubjectAltName): string[] {
  return name.type === 'URI' ? [name.value] : [];
}

function generalNames(tlv: Tlv): SubjectAltName[] {
  return sequenceOf(tlv).map(generalName);
}

/** The forms certificates use; the rest (otherName, directoryName, …) are left to the schema. */
function generalName(tlv: Tlv): SubjectAltName {
  switch (tlv.tag) {
    case 0x81:
      return { type: 'email', value: ia5(tlv) };
    case 0x82:
      return { type: 'DNS', value: ia5(tlv) };
    case 0x86:
      return { type: 'URI', value: ia5(tlv) };
    case 0x87:
      return { type: 'IP', value: ipAddress(content(tlv)) };
    default:
      return unsure();
  }
}

function ia5(tlv: Tlv): string {
  const data = content(tlv);
  for (const byte of data) if (byte < 0x20 || byte > 0x7e) unsure();
  return Buffer.from(data).toString('latin1');
}

/** As asn1-x509's IpConverter.toString prints an address. */
function ipAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length !== 16) return unsure();
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    let end = i;
    while (end < 8 && parts[end] === '0') end++;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end === i ? i + 1 : end;
  }
  if (bestLength <= 1) return parts.join(':');
  return `${parts.slice(0, bestStart).join(':')}::${parts.slice(bestStart + bestLength).join(':')}`;
}

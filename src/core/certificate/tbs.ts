import { children, content, readOid, readTlv, type Tlv } from '../asn1/der.js';

/** One extension of a certificate, its value still encoded. */
export interface RawExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** The parts of an X.509 certificate's DER that Node's X509Certificate does not expose, or exposes slowly. */
export interface CertificateStructure {
  /** 1, 2 or 3. */
  version: number;
  serialNumber: Tlv;
  issuer: Tlv;
  subject: Tlv;
  notBefore: Tlv;
  notAfter: Tlv;
  /** Outer signatureAlgorithm OID. */
  signatureOid: string;
  /** The AlgorithmIdentifiers (outer and inside tbsCertificate) and the SubjectPublicKeyInfo, unread. */
  signatureAlgorithm: Tlv;
  innerAlgorithm: Tlv;
  subjectPublicKeyInfo: Tlv;
  /** In certificate order; empty when the certificate has none. */
  extensions: RawExtension[];
}

/** Universal tags (DER, primitive unless SEQUENCE). */
export const SEQUENCE = 0x30;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const BOOLEAN = 0x01;
export const OCTET_STRING = 0x04;
export const OBJECT_IDENTIFIER = 0x06;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;
const VERSION_TAG = 0xa0;
const EXTENSIONS_TAG = 0xa3;

/**
 * Walks Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue } strictly
 * (RFC 5280, DER): anything unexpected throws, so callers can fall back to a full parser.
 */
export function readCertificateStructure(der: Uint8Array): CertificateStructure {
  const outer = readTlv(der);
  if (outer.tag !== SEQUENCE || outer.end !== der.length) throw new Error('not one DER SEQUENCE');
  const [tbs, signatureAlgorithm, signature, extra] = children(outer);
  if (!tbs || tbs.tag !== SEQUENCE || !signatureAlgorithm || signatureAlgorithm.tag !== SEQUENCE || signature?.tag !== BIT_STRING || extra) {
    throw new Error('not a Certificate');
  }
  const fields = children(tbs);
  let at = 0;
  let version = 1;
  if (fields[0]?.tag === VERSION_TAG) {
    const [number] = children(fields[0]);
    if (number?.tag !== INTEGER || number.end - number.contentStart !== 1) throw new Error('bad version');
    version = (number.bytes[number.contentStart] as number) + 1;
    if (version < 2 || version > 3) throw new Error('bad version');
    at = 1;
  }
  const [serial, innerAlgorithm, issuer, validity, subject, spki] = fields.slice(at, at + 6);
  if (serial?.tag !== INTEGER || !minimalInteger(serial)) throw new Error('bad serial');
  if (innerAlgorithm?.tag !== SEQUENCE || issuer?.tag !== SEQUENCE || validity?.tag !== SEQUENCE || subject?.tag !== SEQUENCE || spki?.tag !== SEQUENCE) {
    throw new Error('bad TBSCertificate');
  }
  const [notBefore, notAfter, moreTimes] = children(validity);
  if (!notBefore || !notAfter || moreTimes || !isTime(notBefore) || !isTime(notAfter)) throw new Error('bad validity');
  const extensions: RawExtension[] = [];
  for (const optional of fields.slice(at + 6)) {
    if (optional.tag === EXTENSIONS_TAG) extensions.push(...readExtensions(optional));
    else if (optional.tag !== 0x81 && optional.tag !== 0x82 && optional.tag !== 0xa1 && optional.tag !== 0xa2) throw new Error('bad TBSCertificate');
  }
  const [algorithmOid] = children(signatureAlgorithm);
  if (!algorithmOid) throw new Error('bad signatureAlgorithm');
  return {
    version,
    serialNumber: serial,
    issuer,
    subject,
    notBefore,
    notAfter,
    signatureOid: readOid(algorithmOid),
    signatureAlgorithm,
    innerAlgorithm,
    subjectPublicKeyInfo: spki,
    extensions,
  };
}

function readExtensions(wrapper: Tlv): RawExtension[] {
  const [list, extra] = children(wrapper);
  if (list?.tag !== SEQUENCE || extra) throw new Error('bad extensions');
  return children(list).map((extension) => {
    const parts = children(extension);
    const [id, second, third] = parts;
    if (extension.tag !== SEQUENCE || !id || parts.length > 3) throw new Error('bad extension');
    // Only the DER forms of a BOOLEAN: other readers differ on what 0x01 means.
    if (second?.tag === BOOLEAN && (second.end - second.contentStart !== 1 || (content(second)[0] !== 0x00 && content(second)[0] !== 0xff))) throw new Error('bad extension');
    const critical = second?.tag === BOOLEAN ? content(second)[0] === 0xff : false;
    const value = second?.tag === BOOLEAN ? third : second;
    if (value?.tag !== OCTET_STRING || (second?.tag === BOOLEAN && parts.length !== 3)) throw new Error('bad extension');
    return { oid: readOid(id), critical, value: content(value) };
  });
}

/** DER INTEGERs carry no redundant leading byte (OpenSSL refuses such a serial). */
function minimalInteger(tlv: Tlv): boolean {
  const length = tlv.end - tlv.contentStart;
  if (length === 0) return false;
  if (length === 1) return true;
  const first = tlv.bytes[tlv.contentStart] as number;
  const second = tlv.bytes[tlv.contentStart + 1] as number;
  return !((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80));
}

function isTime(tlv: Tlv): boolean {
  return tlv.tag === UTC_TIME || tlv.tag === GENERALIZED_TIME;
}

/**
 * A UTCTime or GeneralizedTime in the one form RFC 5280 allows (seconds, "Z"), as a Date; null for
 * any other form, which callers leave to a full parser.
 */
export function readTime(tlv: Tlv): Date | null {
  const digits = tlv.tag === UTC_TIME ? 12 : 14;
  if (tlv.end - tlv.contentStart !== digits + 1 || tlv.bytes[tlv.end - 1] !== 0x5a /* Z */) return null;
  const number = (from: number, count: number): number => {
    let value = 0;
    for (let i = tlv.contentStart + from; i < tlv.contentStart + from + count; i++) {
      const digit = (tlv.bytes[i] as number) - 0x30;
      if (digit < 0 || digit > 9) return Number.NaN;
      value = value * 10 + digit;
    }
    return value;
  };
  const yearDigits = digits - 10;
  const year = number(0, yearDigits);
  const fullYear = tlv.tag === UTC_TIME ? (year < 50 ? 2000 + year : 1900 + year) : year;
  const [month, day, hour, minute, second] = [0, 1, 2, 3, 4].map((i) => number(yearDigits + 2 * i, 2)) as [number, number, number, number, number];
  if (!(fullYear >= 1000 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return null;
  const date = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  // Date.UTC rolls 31 April over into May; such a date is not one.
  return date.getUTCDate() === day ? date : null;
}

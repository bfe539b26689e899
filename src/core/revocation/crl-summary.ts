import { hash } from 'node:crypto';
import { children, readTlv, type Tlv } from '../asn1/der.js';
import { nodeName } from '../certificate/summary.js';
import { readTime } from '../certificate/tbs.js';

/** What expiry needs of a CRL: who signed it and until when it may be used. */
export interface CrlSummary {
  /** Node's name format ("O=Example\nCN=Example CA"). */
  issuer: string;
  thisUpdate: string;
  /** Null when the CRL has none (RFC 5280 requires it; without it a CRL never goes stale). */
  nextUpdate: string | null;
  crlNumber: string | null;
  revoked: number;
  fingerprint256: string;
}

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;

/**
 * The CRLs in a file that holds no certificate: PEM X509 CRL blocks or one DER CertificateList.
 * Null when it holds none (then it is not a CRL file). Read with the DER walker: a scan of a
 * folder must not load an ASN.1 schema for each list.
 */
export function crlsInBytes(bytes: Buffer): { kind: 'crls'; crls: CrlSummary[] } | { kind: 'skipped'; reason: string } | null {
  if (bytes.length === 0) return null;
  if (bytes[0] === 0x30) {
    const summary = tryCrl(bytes);
    return summary ? { kind: 'crls', crls: [summary] } : null;
  }
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN X509 CRL-----')) return null;
  const crls: CrlSummary[] = [];
  for (const match of text.matchAll(PEM_CRL)) {
    const summary = tryCrl(Buffer.from(match[1] ?? '', 'base64'));
    if (!summary) return { kind: 'skipped', reason: `PEM CRL block ${crls.length + 1} is not a valid CRL` };
    crls.push(summary);
  }
  return crls.length > 0 ? { kind: 'crls', crls } : { kind: 'skipped', reason: 'a PEM CRL block has no END line (the file is cut off)' };
}

function tryCrl(der: Buffer): CrlSummary | null {
  try {
    return summarizeCrl(der);
  } catch {
    return null;
  }
}

/** CertificateList ::= SEQUENCE { tbsCertList SEQUENCE { version?, signature, issuer, thisUpdate, nextUpdate?, revoked?, [0] extensions? }, … } */
function summarizeCrl(der: Buffer): CrlSummary | null {
  const outer = readTlv(der);
  if (outer.tag !== 0x30 || outer.end !== der.length) return null;
  const [tbs, algorithm, signature] = children(outer);
  if (tbs?.tag !== 0x30 || algorithm?.tag !== 0x30 || signature?.tag !== 0x03) return null;
  const fields = children(tbs);
  let at = fields[0]?.tag === 0x02 ? 1 : 0;
  const [signatureAlgorithm, issuer, thisUpdateTlv] = fields.slice(at, at + 3);
  // A certificate's TBS has a SEQUENCE (validity) where a CRL has a time: that tells them apart.
  if (signatureAlgorithm?.tag !== 0x30 || issuer?.tag !== 0x30 || !thisUpdateTlv || !isTime(thisUpdateTlv)) return null;
  at += 3;
  const thisUpdate = readTime(thisUpdateTlv);
  if (!thisUpdate) return null;
  let nextUpdate: Date | null = null;
  if (fields[at] && isTime(fields[at] as Tlv)) {
    nextUpdate = readTime(fields[at] as Tlv);
    if (!nextUpdate) return null;
    at += 1;
  }
  let revoked = 0;
  let crlNumber: string | null = null;
  for (const field of fields.slice(at)) {
    if (field.tag === 0x30) revoked = children(field).length;
    else if (field.tag === 0xa0) crlNumber = readCrlNumber(field);
  }
  const fingerprint = hash('sha256', der, 'hex').toUpperCase();
  return {
    issuer: nodeName(issuer) ?? '(issuer name not shown)',
    thisUpdate: thisUpdate.toISOString(),
    nextUpdate: nextUpdate ? nextUpdate.toISOString() : null,
    crlNumber,
    revoked,
    fingerprint256: fingerprint.replace(/..(?!$)/g, '$&:'),
  };
}

function readCrlNumber(wrapper: Tlv): string | null {
  const [list] = children(wrapper);
  for (const extension of list ? children(list) : []) {
    const [id, ...rest] = children(extension);
    if (!id || id.tag !== 0x06) continue;
    const bytes = id.bytes.subarray(id.contentStart, id.end);
    if (Buffer.from(bytes).toString('hex') !== '551d14') continue; // 2.5.29.20
    const octets = rest[rest.length - 1];
    if (!octets || octets.tag !== 0x04) return null;
    const integer = readTlv(octets.bytes, octets.contentStart, octets.end);
    if (integer.tag !== 0x02) return null;
    return BigInt(`0x${Buffer.from(integer.bytes.subarray(integer.contentStart, integer.end)).toString('hex') || '0'}`).toString();
  }
  return null;
}

function isTime(tlv: Tlv): boolean {
  return tlv.tag === 0x17 || tlv.tag === 0x18;
}


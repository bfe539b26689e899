import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { children, content, readOid, readTlv, type Tlv } from '../asn1/der.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { readTime } from '../certificate/tbs.js';
import { reasonName, type RevocationReason } from '../revocation/reasons.js';
import { MtlsError } from '../errors.js';
import { parsePem } from '../load/pem.js';
import { viewOf } from './view.js';

/**
 * CRLs (RFC 5280 §5), read and checked synchronously. Written with the DER walker rather than
 * @peculiar/x509's X509Crl because that verifies through WebCrypto, which is asynchronous, and
 * path validation is a pure synchronous function run 9,780 times by the limbo suite; the
 * signature is checked with Node's native crypto.verify. Pure: serve and others can reuse it.
 */
export interface ParsedCrl {
  der: Uint8Array;
  /** Where it came from, for messages. */
  origin: string;
  /** DER of the issuer Name, compared byte for byte with certificates' issuer. */
  issuerDer: Uint8Array;
  thisUpdate: Date | null;
  nextUpdate: Date | null;
  /** Revoked serials (hex of the INTEGER content, upper case) → revocation date. */
  revoked: Map<string, { date: Date | null; reason: RevocationReason | null; criticalUnknown: string[] }>;
  extensions: { oid: string; critical: boolean; value: Uint8Array }[];
  signatureOid: string;
  tbs: Uint8Array;
  signature: Uint8Array;
}

const CRL_NUMBER = '2.5.29.20';
const DELTA_CRL_INDICATOR = '2.5.29.27';
const ISSUING_DISTRIBUTION_POINT = '2.5.29.28';
const AUTHORITY_KEY_IDENTIFIER = '2.5.29.35';
const FRESHEST_CRL = '2.5.29.46';
const REASON_CODE = '2.5.29.21';
const INVALIDITY_DATE = '2.5.29.24';

/** Reads every CRL of a PEM text (X509 CRL blocks) or one DER CRL. Throws MTLS_CRL_UNREADABLE. */
export function readCrls(bytes: Uint8Array, origin: string): ParsedCrl[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN')) {
    // "X509 CRL" is RFC 7468's label; some tools (@peculiar/x509) write "CRL".
    const blocks = parsePem(text, origin).filter((b) => b.label === 'X509 CRL' || b.label === 'CRL');
    if (blocks.length === 0) throw new MtlsError('MTLS_CRL_UNREADABLE', `${origin} holds no "X509 CRL" PEM block.`, { fixes: ['Pass a CRL (PEM "-----BEGIN X509 CRL-----" or DER): `openssl crl -in FILE -noout -text` shows one.'] });
    return blocks.map((b, i) => parseCrl(b.der, blocks.length > 1 ? `${origin} (CRL ${i + 1})` : origin));
  }
  return [parseCrl(bytes, origin)];
}

export function parseCrl(der: Uint8Array, origin: string): ParsedCrl {
  try {
    const outer = readTlv(der);
    const [tbs, algorithm, signature] = children(outer) as [Tlv, Tlv, Tlv];
    if (outer.tag !== 0x30 || tbs.tag !== 0x30 || signature.tag !== 0x03) throw new Error('not a CertificateList');
    const fields = children(tbs);
    let at = fields[0]?.tag === 0x02 ? 1 : 0;
    const issuer = fields[at + 1] as Tlv;
    const thisUpdate = readTime(fields[at + 2] as Tlv);
    at += 3;
    let nextUpdate: Date | null = null;
    if (fields[at] && (fields[at]?.tag === 0x17 || fields[at]?.tag === 0x18)) nextUpdate = readTime(fields[at++] as Tlv);
    const revoked: ParsedCrl['revoked'] = new Map();
    if (fields[at]?.tag === 0x30) {
      for (const entry of children(fields[at++] as Tlv)) {
        const [serial, date, entryExtensions] = children(entry);
        const entryFields = entryExtensions ? extensionsOf(entryExtensions) : [];
        const unknown = entryFields.filter((e) => e.critical && e.oid !== REASON_CODE && e.oid !== INVALIDITY_DATE).map((e) => e.oid);
        // reasonCode: an ENUMERATED (0x0a, length 1) inside the extension's OCTET STRING.
        const code = entryFields.find((e) => e.oid === REASON_CODE)?.value;
        const reason = code && code[0] === 0x0a && code[1] === 1 ? reasonName(code[2]) : null;
        revoked.set(serialKey(content(serial as Tlv)), { date: date ? readTime(date) : null, reason, criticalUnknown: unknown });
      }
    }
    const extensions = fields[at]?.tag === 0xa0 ? extensionsOf(children(fields[at] as Tlv)[0] as Tlv) : [];
    const signatureBits = content(signature);
    return {
      der,
      origin,
      issuerDer: der.subarray(issuer.start, issuer.end),
      thisUpdate,
      nextUpdate,
      revoked,
      extensions,
      signatureOid: readOid(children(algorithm)[0] as Tlv),
      tbs: der.subarray(tbs.start, tbs.end),
      signature: signatureBits.subarray(1),
    };
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    throw new MtlsError('MTLS_CRL_UNREADABLE', `${origin} does not parse as a CRL (${error instanceof Error ? error.message : String(error)}).`, { fixes: ['Check it with `openssl crl -in FILE -noout -text` (add `-inform DER` for DER).'] });
  }
}

function extensionsOf(list: Tlv): ParsedCrl['extensions'] {
  return children(list).map((extension) => {
    const [id, second, third] = children(extension);
    const critical = second?.tag === 0x01 ? (content(second)[0] ?? 0) !== 0 : false;
    const value = second?.tag === 0x01 ? third : second;
    return { oid: readOid(id as Tlv), critical, value: value ? content(value) : new Uint8Array() };
  });
}

/** The serial as a map key: hex of the INTEGER content without a leading sign byte. */
function serialKey(bytes: Uint8Array): string {
  const trimmed = bytes.length > 1 && bytes[0] === 0 ? bytes.subarray(1) : bytes;
  return Buffer.from(trimmed).toString('hex').toUpperCase();
}

const HASH_BY_SIGNATURE: Record<string, string | null> = {
  '1.2.840.113549.1.1.4': 'md5',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/** The CRL's signature verifies with the key of `issuer` (RSA PKCS#1 v1.5, ECDSA, EdDSA). */
export function crlSignedBy(crl: ParsedCrl, issuer: ParsedCertificate): boolean {
  if (!(crl.signatureOid in HASH_BY_SIGNATURE)) return false;
  try {
    const key: KeyObject = issuer.x509.publicKey ?? createPublicKey(issuer.x509.toString());
    return verifySignature(HASH_BY_SIGNATURE[crl.signatureOid] ?? null, crl.tbs, { key, dsaEncoding: 'der' }, crl.signature);
  } catch {
    return false;
  }
}

export type RevocationFinding =
  | { kind: 'revoked'; date: Date | null; reason: RevocationReason | null }
  | { kind: 'no-crl' }
  | { kind: 'bad-crl'; why: string; origin: string };

/**
 * The revocation status of `cert`, issued by `issuer`, at `at`, from the CRLs given: the CRLs whose
 * issuer name is the certificate's issuer and whose signature verifies with the issuer's key are
 * used (another CA's CRL, or a forged one, says nothing about this certificate). A CRL in use must
 * be current, signed by a key allowed to sign CRLs (keyUsage cRLSign when keyUsage is present),
 * carry a non-critical cRLNumber (RFC 5280 §5.2.3), and no critical extension mtls does not
 * process; a delta CRL is refused, not half-read.
 */
export function revocationStatus(cert: ParsedCertificate, issuer: ParsedCertificate, crls: ParsedCrl[], at: Date): RevocationFinding | null {
  const issuerDer = Buffer.from(viewOf(cert).issuerDer);
  const named = crls.filter((c) => issuerDer.equals(Buffer.from(c.issuerDer)));
  const signed = named.filter((c) => crlSignedBy(c, issuer));
  if (signed.length === 0) {
    return named.length > 0 ? { kind: 'bad-crl', why: `its signature does not verify with the key of '${issuer.facts.subjectCommonName ?? issuer.facts.subject}'`, origin: (named[0] as ParsedCrl).origin } : { kind: 'no-crl' };
  }
  for (const crl of signed) {
    const why = crlProblem(crl, issuer, at);
    if (why) return { kind: 'bad-crl', why, origin: crl.origin };
  }
  const serial = serialKey(viewOf(cert).serial);
  for (const crl of signed) {
    const entry = crl.revoked.get(serial);
    if (entry?.criticalUnknown.length) return { kind: 'bad-crl', why: `its entry for the serial has critical extensions mtls does not process (${entry.criticalUnknown.join(', ')})`, origin: crl.origin };
    if (entry) return { kind: 'revoked', date: entry.date, reason: entry.reason };
  }
  return null;
}

function crlProblem(crl: ParsedCrl, issuer: ParsedCertificate, at: Date): string | null {
  const usage = issuer.facts.keyUsage;
  if (usage && !usage.includes('cRLSign') && !usage.includes('crlSign')) return `its issuer's keyUsage (${usage.join(', ')}) lacks cRLSign, so that key may not sign CRLs (RFC 5280 §4.2.1.3)`;
  if (crl.extensions.some((e) => e.oid === DELTA_CRL_INDICATOR)) return 'it is a delta CRL, which mtls does not combine with a base CRL; pass the full CRL';
  const number = crl.extensions.find((e) => e.oid === CRL_NUMBER);
  if (!number) return 'it has no cRLNumber extension (RFC 5280 §5.2.3: conforming CRLs MUST include it)';
  if (number.critical) return 'its cRLNumber extension is critical (RFC 5280 §5.2.3: MUST be non-critical)';
  const unknown = crl.extensions.filter((e) => e.critical && ![CRL_NUMBER, AUTHORITY_KEY_IDENTIFIER, FRESHEST_CRL].includes(e.oid));
  if (unknown.length > 0) return `it has critical extensions mtls does not process (${unknown.map((e) => (e.oid === ISSUING_DISTRIBUTION_POINT ? 'issuingDistributionPoint' : e.oid)).join(', ')})`;
  if (!crl.thisUpdate) return 'its thisUpdate does not read';
  if (crl.thisUpdate.getTime() > at.getTime()) return `it is not valid until ${crl.thisUpdate.toISOString()} (thisUpdate)`;
  if (crl.nextUpdate && crl.nextUpdate.getTime() < at.getTime()) return `it expired at ${crl.nextUpdate.toISOString()} (nextUpdate): the CA publishes a newer one`;
  return null;
}

import { X509Certificate } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { describeKey, type KeyFacts } from '../key/describe.js';
import { readExtensionFacts, type ExtensionFacts } from './extensions.js';
import { commonName, oneLineName } from './names.js';
import { SIGNATURE_ALGORITHM_NAMES } from './oids.js';
import { children, type Tlv } from '../asn1/der.js';
import { BIT_STRING, OBJECT_IDENTIFIER, readCertificateStructure, SEQUENCE, type CertificateStructure } from './tbs.js';

export type { SubjectAltName } from './extensions.js';

/** Everything a person asks of a certificate, as plain serialisable values. */
export interface CertificateFacts extends ExtensionFacts {
  subject: string;
  subjectCommonName: string | null;
  issuer: string;
  issuerCommonName: string | null;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  publicKey: KeyFacts;
  signatureAlgorithm: string;
  /** Subject and issuer names are equal. */
  selfIssued: boolean;
  /** Self-issued and its signature verifies with its own key. */
  selfSigned: boolean;
  isCa: boolean;
  version: number;
}

export interface ParsedCertificate {
  der: Buffer;
  x509: X509Certificate;
  facts: CertificateFacts;
}

/** What is read from the DER beside Node's X509Certificate. */
export interface CertificateParts {
  signatureOid: string;
  version: number;
  /** The SubjectPublicKeyInfo DER, when the walker read it (its SHA-256 is the key's fingerprint). */
  spki?: Uint8Array;
  /** Called inside the "damaged" guard: a schema may still throw while it decodes. */
  extensions: () => ExtensionFacts;
}

export function corruptCertificate(label: string, cause: unknown): MtlsError {
  return new MtlsError('MTLS_CERT_CORRUPT', `${label} does not parse as an X.509 certificate.`, { cause });
}

/** Node's (OpenSSL's) view of the certificate. Throws MTLS_CERT_CORRUPT when it does not parse. */
export function openCertificate(der: Buffer, label: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (error) {
    throw corruptCertificate(label, error);
  }
}

/**
 * The parts read with the DER walker (tbs.ts, extensions.ts), without any ASN.1 schema; null when
 * the certificate is out of the ordinary, which parse.ts then reads with @peculiar/asn1-x509.
 */
export function quickParts(der: Buffer): CertificateParts | null {
  try {
    const structure = readCertificateStructure(der);
    if (!schemaReadsAlike(structure)) return null;
    const extensions = readExtensionFacts(structure.extensions);
    const spki = structure.subjectPublicKeyInfo;
    return extensions ? { signatureOid: structure.signatureOid, version: structure.version, extensions: () => extensions, spki: spki.bytes.subarray(spki.start, spki.end) } : null;
  } catch {
    return null;
  }
}

/** Attribute values in the string types certificates use (UTF8, Printable, Teletex, IA5). */
const PLAIN_STRING_TAGS = new Set([0x0c, 0x13, 0x14, 0x16]);
const SET = 0x31;
const NULL = 0x05;

/**
 * OpenSSL reads some shapes the ASN.1 schema refuses (a primitive SET in a name, for one). The
 * parts the walker leaves unread are checked here to be in their plain form, or the schema decides.
 */
function schemaReadsAlike(structure: CertificateStructure): boolean {
  const plainAttribute = (pair: Tlv) => {
    const [type, value, extra] = pair.tag === SEQUENCE ? children(pair) : [];
    return type?.tag === OBJECT_IDENTIFIER && value !== undefined && PLAIN_STRING_TAGS.has(value.tag) && extra === undefined;
  };
  const plainName = (name: Tlv) =>
    children(name).every((rdn) => {
      const attributes = rdn.tag === SET ? children(rdn) : [];
      return attributes.length > 0 && attributes.every(plainAttribute);
    });
  const plainAlgorithm = (algorithm: Tlv | undefined) => {
    const [oid, parameters, extra] = algorithm?.tag === SEQUENCE ? children(algorithm) : [];
    return oid?.tag === OBJECT_IDENTIFIER && (parameters === undefined || [NULL, OBJECT_IDENTIFIER, SEQUENCE].includes(parameters.tag)) && extra === undefined;
  };
  const [keyAlgorithm, publicKey, extra] = children(structure.subjectPublicKeyInfo);
  return (
    plainName(structure.issuer) &&
    plainName(structure.subject) &&
    plainAlgorithm(structure.signatureAlgorithm) &&
    plainAlgorithm(structure.innerAlgorithm) &&
    plainAlgorithm(keyAlgorithm) &&
    publicKey?.tag === BIT_STRING &&
    extra === undefined
  );
}

/**
 * The same as parseCertificate, or null when that needs the ASN.1 schema: for a certificate out of
 * the ordinary (see quickParts), and for a damaged one, since which diagnosis it gets (does not
 * parse, or is damaged) depends on whether the schema reads it.
 */
export function parseCertificateQuickly(der: Buffer, label = 'certificate'): ParsedCertificate | null {
  const x509 = openCertificate(der, label);
  const parts = quickParts(der);
  if (!parts) return null;
  try {
    return assembleCertificate(der, x509, parts, label);
  } catch {
    return null;
  }
}

export function assembleCertificate(der: Buffer, x509: X509Certificate, parts: CertificateParts, label: string): ParsedCertificate {
  try {
    return { der, x509, facts: factsOf(x509, parts) };
  } catch (error) {
    // The outer structure parsed but a part read lazily (the public key, most often) did not.
    throw new MtlsError('MTLS_CERT_CORRUPT', `${label} is damaged: its public key or an extension does not decode.`, { cause: error });
  }
}

function factsOf(x509: X509Certificate, parts: CertificateParts): CertificateFacts {
  const extensions = parts.extensions();
  const selfIssued = x509.subject === x509.issuer;
  let selfSigned = false;
  if (selfIssued) {
    try {
      selfSigned = x509.verify(x509.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  return {
    subject: oneLineName(x509.subject),
    subjectCommonName: commonName(x509.subject),
    issuer: oneLineName(x509.issuer),
    issuerCommonName: commonName(x509.issuer),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    fingerprintSha256: x509.fingerprint256,
    publicKey: describeKey(x509.publicKey, parts.spki),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[parts.signatureOid] ?? parts.signatureOid,
    ...extensions,
    selfIssued,
    selfSigned,
    isCa: extensions.basicConstraints?.ca === true,
    version: parts.version,
  };
}

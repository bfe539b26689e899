import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  CRLDistributionPoints,
  ExtendedKeyUsage,
  type GeneralName,
  KeyUsage,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ad_caIssuers,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_cRLDistributionPoints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
} from '@peculiar/asn1-x509';
import { MtlsError } from '../errors.js';
import { colonHex, describeKey, type KeyFacts } from '../key/describe.js';
import { commonName, oneLineName } from './names.js';
import { extendedKeyUsageName, SIGNATURE_ALGORITHM_NAMES } from './oids.js';

export interface SubjectAltName {
  type: 'DNS' | 'IP' | 'URI' | 'email' | 'dirName' | 'other';
  value: string;
}

/** Everything a person asks of a certificate, as plain serialisable values. */
export interface CertificateFacts {
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
  subjectAltNames: SubjectAltName[];
  /** null when the extension is absent (which is not the same as empty). */
  keyUsage: string[] | null;
  extendedKeyUsage: string[] | null;
  basicConstraints: { ca: boolean; pathLength: number | null; critical: boolean } | null;
  subjectKeyIdentifier: string | null;
  authorityKeyIdentifier: string | null;
  ocspUrls: string[];
  caIssuerUrls: string[];
  crlUrls: string[];
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

/** Parses DER into facts. Throws MTLS_CERT_CORRUPT when the bytes are not a certificate. */
export function parseCertificate(der: Buffer, label = 'certificate'): ParsedCertificate {
  let x509: X509Certificate;
  let asn: Certificate;
  try {
    x509 = new X509Certificate(der);
    asn = AsnConvert.parse(der, Certificate);
  } catch (error) {
    throw new MtlsError('MTLS_CERT_CORRUPT', `${label} does not parse as an X.509 certificate.`, { cause: error });
  }
  try {
    return { der, x509, facts: factsOf(x509, asn) };
  } catch (error) {
    // The outer structure parsed but a part read lazily (the public key, most often) did not.
    throw new MtlsError('MTLS_CERT_CORRUPT', `${label} is damaged: its public key or an extension does not decode.`, { cause: error });
  }
}

function factsOf(x509: X509Certificate, asn: Certificate): CertificateFacts {
  const extensions = new Map((asn.tbsCertificate.extensions ?? []).map((e) => [e.extnID, e]));
  const extension = <T>(oid: string, type: new () => T): T | null => {
    const found = extensions.get(oid);
    if (!found) return null;
    try {
      return AsnConvert.parse(found.extnValue, type);
    } catch {
      return null; // a malformed extension is reported as absent rather than failing the whole read
    }
  };

  const basic = extension(id_ce_basicConstraints, BasicConstraints);
  const keyUsage = extension(id_ce_keyUsage, KeyUsage);
  const eku = extension(id_ce_extKeyUsage, ExtendedKeyUsage);
  const san = extension(id_ce_subjectAltName, SubjectAlternativeName);
  const ski = extension(id_ce_subjectKeyIdentifier, SubjectKeyIdentifier);
  const aki = extension(id_ce_authorityKeyIdentifier, AuthorityKeyIdentifier);
  const aia = extension(id_pe_authorityInfoAccess, AuthorityInfoAccessSyntax);
  const crl = extension(id_ce_cRLDistributionPoints, CRLDistributionPoints);

  const selfIssued = x509.subject === x509.issuer;
  let selfSigned = false;
  if (selfIssued) {
    try {
      selfSigned = x509.verify(x509.publicKey);
    } catch {
      selfSigned = false;
    }
  }
  const sigOid = asn.signatureAlgorithm.algorithm;
  return {
    subject: oneLineName(x509.subject),
    subjectCommonName: commonName(x509.subject),
    issuer: oneLineName(x509.issuer),
    issuerCommonName: commonName(x509.issuer),
    serialNumber: x509.serialNumber.toUpperCase(),
    notBefore: new Date(x509.validFrom).toISOString(),
    notAfter: new Date(x509.validTo).toISOString(),
    fingerprintSha256: x509.fingerprint256,
    publicKey: describeKey(x509.publicKey),
    signatureAlgorithm: SIGNATURE_ALGORITHM_NAMES[sigOid] ?? sigOid,
    // Array.from: asn1-schema's collections are Array subclasses, which other libraries misread.
    subjectAltNames: Array.from(san ?? [], generalName),
    keyUsage: keyUsage ? Array.from(keyUsage.toJSON()) : null,
    extendedKeyUsage: eku ? Array.from(eku, extendedKeyUsageName) : null,
    basicConstraints: basic
      ? { ca: basic.cA, pathLength: basic.pathLenConstraint ?? null, critical: extensions.get(id_ce_basicConstraints)?.critical ?? false }
      : null,
    subjectKeyIdentifier: ski ? colonHex(new Uint8Array(ski.buffer)) : null,
    authorityKeyIdentifier: aki?.keyIdentifier ? colonHex(new Uint8Array(aki.keyIdentifier.buffer)) : null,
    ocspUrls: Array.from(aia ?? []).filter((a) => a.accessMethod === id_ad_ocsp).flatMap((a) => uriOf(a.accessLocation)),
    caIssuerUrls: Array.from(aia ?? []).filter((a) => a.accessMethod === id_ad_caIssuers).flatMap((a) => uriOf(a.accessLocation)),
    crlUrls: Array.from(crl ?? []).flatMap((point) => Array.from(point.distributionPoint?.fullName ?? []).flatMap(uriOf)),
    selfIssued,
    selfSigned,
    isCa: basic?.cA === true,
    version: asn.tbsCertificate.version + 1,
  };
}

function uriOf(name: GeneralName): string[] {
  return name.uniformResourceIdentifier ? [name.uniformResourceIdentifier] : [];
}

function generalName(name: GeneralName): SubjectAltName {
  if (name.dNSName !== undefined) return { type: 'DNS', value: name.dNSName };
  if (name.iPAddress !== undefined) return { type: 'IP', value: name.iPAddress };
  if (name.uniformResourceIdentifier !== undefined) return { type: 'URI', value: name.uniformResourceIdentifier };
  if (name.rfc822Name !== undefined) return { type: 'email', value: name.rfc822Name };
  if (name.directoryName !== undefined) return { type: 'dirName', value: '(directory name)' };
  return { type: 'other', value: name.otherName?.typeId ?? name.registeredID ?? '(unsupported name form)' };
}

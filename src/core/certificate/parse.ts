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
import { colonHex } from '../key/describe.js';
import type { ExtensionFacts, SubjectAltName } from './extensions.js';
import { assembleCertificate, corruptCertificate, openCertificate, parseCertificateQuickly, type CertificateParts, type ParsedCertificate } from './facts.js';
import { extendedKeyUsageName } from './oids.js';

export type { CertificateFacts, ParsedCertificate, SubjectAltName } from './facts.js';

/**
 * Parses DER into facts. Throws MTLS_CERT_CORRUPT when the bytes are not a certificate. Plain
 * certificates are read with the DER walker (facts.ts); the rest with @peculiar/asn1-x509.
 */
export function parseCertificate(der: Buffer, label = 'certificate'): ParsedCertificate {
  return parseCertificateQuickly(der, label) ?? parseCertificateWithSchema(der, label);
}

/** The same facts, always through the ASN.1 schema (test/unit/certificate-facts.test.ts compares the two). */
export function parseCertificateWithSchema(der: Buffer, label = 'certificate'): ParsedCertificate {
  const x509 = openCertificate(der, label);
  return assembleCertificate(der, x509, schemaParts(der, label), label);
}

function schemaParts(der: Buffer, label: string): CertificateParts {
  let asn: Certificate;
  try {
    asn = AsnConvert.parse(der, Certificate);
  } catch (error) {
    throw corruptCertificate(label, error);
  }
  return { signatureOid: asn.signatureAlgorithm.algorithm, version: asn.tbsCertificate.version + 1, extensions: () => schemaExtensions(asn) };
}

function schemaExtensions(asn: Certificate): ExtensionFacts {
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
  return {
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

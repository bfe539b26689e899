import type { KeyObject } from 'node:crypto';
import { parseCertificate, type ParsedCertificate } from '../certificate/parse.js';
import { x509 } from './x509.js';
import { spkiOf, toWebSigningKey } from './keys.js';
import { profileExtensions, type Profile } from './profiles.js';
import { randomSerial } from './serial.js';
import type { SanEntry } from './san.js';

export interface SubjectFields {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

/** A subject in the order openssl shows it: O, OU, then CN. */
export function subjectName(fields: SubjectFields): x509.Name {
  const name: x509.JsonName = [];
  if (fields.organization) name.push({ O: [fields.organization] });
  if (fields.organizationalUnit) name.push({ OU: [fields.organizationalUnit] });
  name.push({ CN: [fields.commonName] });
  return new x509.Name(name);
}

/** The subject of an existing certificate or CSR, byte for byte, so renewals and signed CSRs keep it exactly. */
export function subjectOf(der: Buffer, kind: 'certificate' | 'csr'): x509.Name {
  return kind === 'certificate' ? new x509.X509Certificate(der).subjectName : new x509.Pkcs10CertificateRequest(der).subjectName;
}

/** Who signs: a CA certificate and its key, or, for a root, the subject's own key. */
export interface SigningAuthority {
  certificate: ParsedCertificate;
  key: KeyObject;
}

export interface CertificateSpec {
  profile: Profile;
  subject: x509.Name;
  /** The key being certified: a private key (we made it) or a public key (from a CSR). */
  subjectKey: KeyObject;
  sans: SanEntry[];
  notBefore: Date;
  notAfter: Date;
  /** Absent for a self-signed root, which signs with the subject key. */
  issuer?: SigningAuthority;
}

export async function buildCertificate(spec: CertificateSpec): Promise<ParsedCertificate> {
  const subjectSpki = spkiOf(spec.subjectKey);
  const signingKey = spec.issuer ? spec.issuer.key : spec.subjectKey;
  const issuerSpki = spec.issuer ? spkiOf(spec.issuer.key) : subjectSpki;
  const web = await toWebSigningKey(signingKey);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: spec.subject,
    issuer: spec.issuer ? subjectOf(spec.issuer.certificate.der, 'certificate') : spec.subject,
    notBefore: spec.notBefore,
    notAfter: spec.notAfter,
    publicKey: subjectSpki,
    signingKey: web.privateKey,
    signingAlgorithm: web.signingAlgorithm,
    extensions: await profileExtensions({ profile: spec.profile, subjectPublicKey: spec.subjectKey, subjectSpki, issuerSpki, sans: spec.sans }),
  });
  return parseCertificate(Buffer.from(certificate.rawData), 'the new certificate');
}

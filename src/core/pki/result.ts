import type { ParsedCertificate } from '../certificate/parse.js';
import { keyLabel } from '../key/describe.js';
import type { WrittenFile } from './output.js';
import type { Profile } from './profiles.js';

/** What a PKI command made, as plain values for both renderers. */
export interface PkiResult {
  files: WrittenFile[];
  certificate: IssuedCertificate | null;
  /** Things the user should know (expired on purpose, clamped dates, poorly supported keys). */
  warnings: string[];
}

export interface IssuedCertificate {
  profile: Profile;
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  subjectAltNames: string[];
  key: string;
  fingerprintSha256: string;
}

export function describeIssued(certificate: ParsedCertificate, profile: Profile): IssuedCertificate {
  const { facts } = certificate;
  return {
    profile,
    subject: facts.subject,
    issuer: facts.issuer,
    serialNumber: facts.serialNumber,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    subjectAltNames: facts.subjectAltNames.map((name) => `${name.type}:${name.value}`),
    key: keyLabel(facts.publicKey),
    fingerprintSha256: facts.fingerprintSha256,
  };
}

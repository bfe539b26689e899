import type { CertificateFacts, ParsedCertificate } from '../certificate/parse.js';
import { linkBundle, type BundleLinks } from '../certificate/bundle.js';
import { WEAK_SIGNATURE_ALGORITHMS } from '../certificate/oids.js';
import type { KeyFacts } from '../key/describe.js';
import type { KeyEncoding, LoadedSource, ParsedCsr } from '../load/types.js';
import type { Pkcs12Info } from '../pkcs12/index.js';
import { diagnose } from '../errors.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import { shortName } from '../certificate/names.js';

export type CertificateRole = 'root CA' | 'intermediate CA' | 'leaf' | 'self-signed leaf';

export interface Validity {
  status: 'valid' | 'expired' | 'not yet valid';
  /** Signed: negative once expired. */
  secondsToExpiry: number;
  lifetimeDays: number;
}

export interface CertificateReport extends CertificateFacts {
  index: number;
  role: CertificateRole;
  validity: Validity;
}

export interface KeyReport extends KeyFacts {
  encoding: KeyEncoding;
  encryption: string | null;
  /** Index of the certificate in the same input whose public key this is. */
  matchesCertificate: number | null;
}

export interface LockedKeyReport {
  encoding: KeyEncoding;
  encryption: string;
  locked: true;
}

export interface SourceReport {
  source: string;
  format: LoadedSource['format'];
  certificates: CertificateReport[];
  keys: KeyReport[];
  lockedKeys: LockedKeyReport[];
  csrs: Omit<ParsedCsr, 'der'>[];
  pkcs12: Pkcs12Info | null;
  /** How several certificates link; null for a single certificate. */
  bundle: BundleLinks | null;
  /** For a live endpoint: how the connection went. */
  connection?: {
    protocol: string | null;
    cipher: string | null;
    alpn: string | null;
    servername: string | null;
    clientCertificateSent: boolean;
    /** From a TLS 1.2 probe: does the server ask for a client certificate, naming which CAs (null: cannot be known, `unknownReason` says why). */
    clientCertificateRequest?: { requested: boolean | null; acceptedCas: string[] | null; unknownReason: string | null };
  };
  /** What a careful reader would point out: expiry, weak algorithms, order, missing links. */
  findings: Diagnosis[];
}

/** Days before expiry from which a certificate is called "expiring soon". */
export const EXPIRY_WARNING_DAYS = 30;

export function roleOf(facts: CertificateFacts): CertificateRole {
  if (facts.isCa) return facts.selfSigned ? 'root CA' : 'intermediate CA';
  return facts.selfSigned ? 'self-signed leaf' : 'leaf';
}

export function validityAt(facts: CertificateFacts, now: Date): Validity {
  const notBefore = Date.parse(facts.notBefore);
  const notAfter = Date.parse(facts.notAfter);
  const status = now.getTime() < notBefore ? 'not yet valid' : now.getTime() > notAfter ? 'expired' : 'valid';
  return {
    status,
    secondsToExpiry: Math.round((notAfter - now.getTime()) / 1000),
    lifetimeDays: Math.round((notAfter - notBefore) / 86_400_000),
  };
}

export function reportSource(source: LoadedSource, now = new Date()): SourceReport {
  const certificates = source.certificates.map((cert, index) => reportCertificate(cert, index, now));
  const keys = source.keys.map((key) => ({
    ...key.facts,
    encoding: key.encoding,
    encryption: key.encryption,
    matchesCertificate: indexOrNull(certificates.findIndex((c) => c.publicKey.spkiSha256 === key.facts.spkiSha256)),
  }));
  const bundle = source.certificates.length > 1 ? linkBundle(source.certificates) : null;
  const report: SourceReport = {
    source: source.origin,
    format: source.format,
    certificates,
    keys,
    lockedKeys: source.lockedKeys.map((k) => ({ ...k, locked: true as const })),
    csrs: source.csrs.map(({ der: _der, ...csr }) => csr),
    pkcs12: source.pkcs12,
    bundle,
    findings: [],
  };
  report.findings = findingsOf(report, source.certificates);
  return report;
}

function reportCertificate(cert: ParsedCertificate, index: number, now: Date): CertificateReport {
  return { index, role: roleOf(cert.facts), validity: validityAt(cert.facts, now), ...cert.facts };
}

function indexOrNull(index: number): number | null {
  return index < 0 ? null : index;
}

function findingsOf(report: SourceReport, parsed: ParsedCertificate[]): Diagnosis[] {
  const findings: Diagnosis[] = [];
  for (const cert of report.certificates) {
    const name = `"${shortName(parsed[cert.index]?.x509.subject ?? '')}"`;
    if (cert.validity.status === 'expired') {
      findings.push(diagnose('MTLS_CERT_EXPIRED', `Certificate ${name} expired on ${cert.notAfter.slice(0, 10)}.`));
    } else if (cert.validity.status === 'not yet valid') {
      findings.push(diagnose('MTLS_CERT_NOT_YET_VALID', `Certificate ${name} is not valid before ${cert.notBefore}.`));
    } else if (cert.validity.secondsToExpiry < EXPIRY_WARNING_DAYS * 86_400) {
      findings.push(diagnose('MTLS_CERT_EXPIRES_SOON', `Certificate ${name} expires on ${cert.notAfter.slice(0, 10)}.`));
    }
    if (WEAK_SIGNATURE_ALGORITHMS.has(cert.signatureAlgorithm) && !cert.selfSigned) {
      findings.push(diagnose('MTLS_WEAK_SIGNATURE', `Certificate ${name} is signed with ${cert.signatureAlgorithm}.`));
    }
    if (cert.publicKey.algorithm.startsWith('RSA') && (cert.publicKey.bits ?? 0) < 2048) {
      findings.push(diagnose('MTLS_WEAK_KEY', `Certificate ${name} has a ${cert.publicKey.bits}-bit RSA key.`));
    }
  }
  const { bundle } = report;
  if (bundle) {
    const label = (i: number) => `"${shortName(parsed[i]?.x509.subject ?? '')}"`;
    if (!bundle.inOrder) {
      findings.push(
        diagnose('MTLS_BUNDLE_OUT_OF_ORDER', `The certificates are not in leaf → issuer order; the order should be ${bundle.path.map((i) => `#${i + 1}`).join(' → ')}.`),
      );
    }
    // Stopping at an intermediate is right (peers hold the root); stopping at a leaf is not.
    const last = report.certificates[bundle.path[bundle.path.length - 1] ?? 0];
    if (bundle.missingIssuer && last && !last.isCa) {
      findings.push(diagnose('MTLS_BUNDLE_INCOMPLETE', `The issuer of ${label(bundle.path[bundle.path.length - 1] ?? 0)} ("${bundle.missingIssuer}") is not in this bundle.`));
    }
    for (const [first, repeat] of bundle.duplicates) {
      findings.push(diagnose('MTLS_BUNDLE_DUPLICATE', `Certificate #${repeat + 1} is a copy of #${first + 1} (${label(first)}).`));
    }
    for (const extra of bundle.extras) {
      findings.push(diagnose('MTLS_BUNDLE_EXTRA', `Certificate #${extra + 1} (${label(extra)}) is not part of the leaf's chain.`));
    }
  }
  if (report.keys.length > 0 && report.certificates.length > 0) {
    for (const key of report.keys) {
      if (key.matchesCertificate === null) {
        findings.push(diagnose('MTLS_KEY_NOT_IN_BUNDLE', `The private key in ${report.source} matches none of the certificates next to it.`));
      }
    }
  }
  return findings;
}

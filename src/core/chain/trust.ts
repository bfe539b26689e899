import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { parseCertificate, type ParsedCertificate } from '../certificate/parse.js';
import { parsePem } from '../load/pem.js';

/** The certificates a verification trusts, and where they came from (said in every verdict). */
export interface TrustAnchors {
  source: 'cacert' | 'system';
  /** '--cacert ca.crt' or "Node's bundled Mozilla root store". */
  origin: string;
  count: number;
  /** Trusted certificates whose subject is `issuerName` (candidates to have issued a certificate). */
  named(issuerName: string): ParsedCertificate[];
  contains(certificate: ParsedCertificate): boolean;
}

export function trustAnchorsFrom(certificates: ParsedCertificate[], origin: string): TrustAnchors {
  const fingerprints = new Set(certificates.map((c) => c.facts.fingerprintSha256));
  return {
    source: 'cacert',
    origin,
    count: certificates.length,
    named: (issuerName) => certificates.filter((c) => c.x509.subject === issuerName),
    contains: (certificate) => fingerprints.has(certificate.facts.fingerprintSha256),
  };
}

/**
 * Node's bundled Mozilla store (`tls.rootCertificates`). Only Node's native parser reads all of
 * them; the full parse runs only for the few whose subject is asked for.
 */
export function systemTrustAnchors(): TrustAnchors {
  const roots = rootCertificates.map((pem) => {
    const der = parsePem(pem, 'system root store')[0]?.der ?? Buffer.alloc(0);
    return { der, x509: new X509Certificate(der) };
  });
  const fingerprints = new Set(roots.map((r) => r.x509.fingerprint256));
  const parsed = new Map<string, ParsedCertificate>();
  const full = (root: { der: Buffer; x509: X509Certificate }) => {
    const known = parsed.get(root.x509.fingerprint256);
    if (known) return known;
    const fresh = parseCertificate(root.der, 'system root');
    parsed.set(root.x509.fingerprint256, fresh);
    return fresh;
  };
  return {
    source: 'system',
    origin: "the system trust store (Node's bundled Mozilla roots)",
    count: roots.length,
    named: (issuerName) => roots.filter((r) => r.x509.subject === issuerName).map(full),
    contains: (certificate) => fingerprints.has(certificate.facts.fingerprintSha256),
  };
}

import type { CertificateFacts } from '../core/certificate/parse.js';
import { ekuAllows } from '../core/chain/purpose.js';
import type { RankedCause } from '../diagnoses/types.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';

/** What the user's own certificate says, for ranking why a server refused it. */
export interface ClientCertificateEvidence {
  leaf: CertificateFacts;
  /** Subjects and issuers of every certificate sent with it (leaf and intermediates). */
  chainNames: string[];
  expired: boolean;
  notYetValid: boolean;
  /** EKU present without clientAuth, or key usage without digitalSignature. */
  notForClientAuth: boolean;
  /** null when the server's accepted-CA list is unknown or empty (empty means it names none). */
  issuerAccepted: boolean | null;
}

export function clientCertificateEvidence(chain: CertificateFacts[], acceptedCas: string[] | null, now: Date): ClientCertificateEvidence | null {
  const leaf = chain[0];
  if (!leaf) return null;
  // The same rule as chain verification (OpenSSL's): anyExtendedKeyUsage alone does not allow clientAuth.
  const ekuWrong = !ekuAllows(leaf, 'client');
  const kuWrong = leaf.keyUsage !== null && !leaf.keyUsage.includes('digitalSignature');
  const chainNames = chain.flatMap((c) => [c.subject, c.issuer]);
  // Servers (OpenSSL's verification) accept a client whose path reaches any listed CA, so any
  // issuer or intermediate in what we send counts.
  const issuerAccepted = acceptedCas && acceptedCas.length > 0 ? chain.some((c) => acceptedCas.includes(c.issuer) || (c !== leaf && acceptedCas.includes(c.subject))) : null;
  return {
    leaf,
    chainNames,
    expired: chain.some((c) => new Date(c.notAfter) < now),
    notYetValid: chain.some((c) => new Date(c.notBefore) > now),
    notForClientAuth: ekuWrong || kuWrong,
    issuerAccepted,
  };
}

const REJECTION_CAUSES = {
  unknownCa: 'The server does not trust the CA that issued your certificate',
  expired: 'Your certificate has expired',
  notYetValid: 'Your certificate is not valid yet',
  usage: 'Your certificate is not meant for client authentication',
  revoked: 'Your certificate was revoked by its CA',
  policy: 'The server accepts only particular subjects or requires something else of the certificate',
} as const;

/**
 * Ranks the reasons a server may have had to refuse the certificate, from the certificate itself
 * and, where the server's TLS 1.2 CertificateRequest could be read, from the CAs it accepts.
 * `alertHint` is the cause the server's own alert names, which counts as strong evidence.
 */
export function rankRejectionCauses(evidence: ClientCertificateEvidence, acceptedCas: string[] | null, alertHint: keyof typeof REJECTION_CAUSES | null): RankedCause[] {
  const { leaf } = evidence;
  const accepted = acceptedCas && acceptedCas.length > 0 ? acceptedCas.map((n) => `"${n}"`).join(', ') : null;
  // A CA name the server accepts proves little: two CAs can share a name (a re-created CA), and
  // the server judges by key. So a matching name keeps this cause in view rather than ruling it out.
  const causes: RankedCause[] = [
    {
      cause: REJECTION_CAUSES.unknownCa,
      likelihood: evidence.issuerAccepted === false || alertHint === 'unknownCa' ? 'high' : 'medium',
      evidence:
        evidence.issuerAccepted === true
          ? `the server accepts a CA named "${leaf.issuer}", your certificate's issuer, yet refused it: a different CA with the same name (re-created CA?)`
          : accepted
            ? `your certificate was issued by "${leaf.issuer}"; the server accepts ${accepted}`
            : `your certificate was issued by "${leaf.issuer}"; the CAs the server accepts could not be read`,
    },
    {
      cause: REJECTION_CAUSES.expired,
      likelihood: evidence.expired ? 'high' : alertHint === 'expired' ? 'medium' : 'low',
      evidence: `valid until ${leaf.notAfter}`,
    },
    {
      cause: REJECTION_CAUSES.notYetValid,
      likelihood: evidence.notYetValid ? 'high' : 'low',
      evidence: `valid from ${leaf.notBefore}`,
    },
    {
      cause: REJECTION_CAUSES.usage,
      likelihood: evidence.notForClientAuth ? 'high' : alertHint === 'usage' ? 'medium' : 'low',
      evidence: `extended key usage: ${leaf.extendedKeyUsage?.join(', ') ?? '(none: any use)'}; key usage: ${leaf.keyUsage?.join(', ') ?? '(none: any use)'}`,
    },
    { cause: REJECTION_CAUSES.revoked, likelihood: alertHint === 'revoked' ? 'high' : 'low' },
    { cause: REJECTION_CAUSES.policy, likelihood: 'medium' },
  ];
  const order = { high: 0, medium: 1, low: 2 } as const;
  return causes.sort((a, b) => order[a.likelihood] - order[b.likelihood]);
}

/** For a refusal that names no reason, the code of the cause the evidence points at. */
export function codeForGenericRejection(evidence: ClientCertificateEvidence | null): DiagnosisCode {
  if (!evidence) return 'MTLS_CLIENT_CERT_REJECTED';
  if (evidence.expired) return 'MTLS_CLIENT_CERT_EXPIRED';
  if (evidence.notYetValid) return 'MTLS_CLIENT_CERT_NOT_YET_VALID';
  if (evidence.issuerAccepted === false) return 'MTLS_CLIENT_CERT_UNKNOWN_CA';
  if (evidence.notForClientAuth) return 'MTLS_CLIENT_CERT_WRONG_USAGE';
  return 'MTLS_CLIENT_CERT_REJECTED';
}

export type RejectionHint = keyof typeof REJECTION_CAUSES;

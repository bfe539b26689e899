import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import type { DoctorCheck } from '../../core/doctor/types.js';

/** Local findings that name the same cause as the server's verdict on the client certificate. */
const SAME_CAUSE: Partial<Record<DiagnosisCode, readonly DiagnosisCode[]>> = {
  MTLS_CLIENT_CERT_EXPIRED: ['MTLS_CERT_EXPIRED', 'MTLS_CHAIN_CERT_EXPIRED'],
  MTLS_CLIENT_CERT_NOT_YET_VALID: ['MTLS_CERT_NOT_YET_VALID', 'MTLS_CHAIN_CERT_NOT_YET_VALID'],
  MTLS_CLIENT_CERT_WRONG_USAGE: ['MTLS_CHAIN_WRONG_PURPOSE'],
  MTLS_CLIENT_CERT_KEY_TOO_WEAK: ['MTLS_WEAK_KEY'],
  MTLS_CLIENT_CERT_WEAK_SIGNATURE: ['MTLS_WEAK_SIGNATURE'],
};

/**
 * The local chain check follows the client certificate to --cacert, which is often the server's
 * CA rather than the one the server accepts for clients. When the server itself has judged the
 * certificate (the CAs it lists, or its refusal), a local chain failure about another cause is
 * not the thing to fix first: suggesting to add a CA to --cacert changes nothing on the server
 * (issue 14, case 10). It stays in the list as a warning, and the server's verdict leads.
 */
export function serverVerdictFirst(local: DoctorCheck[], remote: DoctorCheck[]): DoctorCheck[] {
  const verdict = remote.find((c) => c.status === 'fail' && (c.id === 'remote.client-cas' || c.id === 'remote.request') && c.code?.startsWith('MTLS_CLIENT_CERT_'));
  if (!verdict?.code) return [...local, ...remote];
  const same = SAME_CAUSE[verdict.code] ?? [];
  const demoted = local.map((c) =>
    c.id === 'chain' && c.status === 'fail' && !(c.code && same.includes(c.code))
      ? { ...c, status: 'warn' as const, summary: `${c.summary} (The server's own verdict on your certificate is below: ${verdict.title.toLowerCase()}.)` }
      : c,
  );
  return [...demoted, ...remote];
}

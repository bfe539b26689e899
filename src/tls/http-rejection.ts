import type { Diagnosis } from '../diagnoses/types.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import { hostPort } from './address.js';
import { clientCertificateRejected, clientCertificateRequired, type FailureEvidence } from './diagnose.js';

/**
 * Reverse proxies often complete the handshake and refuse at the HTTP layer: nginx answers 400
 * "No required SSL certificate was sent" (its internal 496) or "The SSL certificate error" (495);
 * others send 495/496 as such, or 403 with a similar sentence.
 */
const MISSING = /no required ssl certificate was sent|ssl certificate required|client certificate (is )?required|no client certificate/i;
const INVALID = /the ssl certificate error|ssl certificate error|client certificate (is )?(invalid|not trusted|rejected|verification failed|expired)|certificate verify failed/i;

export type HttpRejection = 'certificate-missing' | 'certificate-invalid';

export function recognizeHttpRejection(status: number, body: string): HttpRejection | null {
  if (status === 496) return 'certificate-missing';
  if (status === 495) return 'certificate-invalid';
  if (![400, 401, 403, 421].includes(status)) return null;
  const text = body.slice(0, 4096);
  if (MISSING.test(text)) return 'certificate-missing';
  if (INVALID.test(text)) return 'certificate-invalid';
  return null;
}

/** A recognised HTTP-layer refusal, diagnosed like the matching TLS alert. */
export function diagnoseHttpRejection(status: number, body: string, evidence: FailureEvidence): Diagnosis | null {
  const rejection = recognizeHttpRejection(status, body);
  if (!rejection) return null;
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() ?? body.split('\n')[0]?.slice(0, 100) ?? '';
  const details: Record<string, string | number | boolean | string[]> = { server: hostPort(evidence.target.host, evidence.target.port), httpStatus: status, page: title };
  if (evidence.connection.protocol) details.tlsVersion = evidence.connection.protocol;
  if (evidence.clientChain[0]) details.clientCertificate = evidence.clientChain[0].subject;
  if (evidence.probe?.acceptedCas) details.acceptedCas = evidence.probe.acceptedCas;
  const how = `(HTTP ${status} "${title}")`;
  if (rejection === 'certificate-missing' || evidence.clientChain.length === 0) {
    const sent = evidence.clientChain.length > 0 ? ' although one was configured' : '';
    return clientCertificateRequired(evidence, `${hostPort(evidence.target.host, evidence.target.port)} requires a client certificate and received none${sent} ${how}.`, details);
  }
  return clientCertificateRejected(evidence, statedReason(body) ?? 'generic', null, how, details);
}

/**
 * `mtls serve` (and servers that copy its format) states its reason in a "code:" line: the
 * server's own verdict outranks any guess from local evidence.
 */
const SERVER_VERDICTS: Record<string, DiagnosisCode> = {
  MTLS_SERVE_CLIENT_UNKNOWN_CA: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
  MTLS_SERVE_CLIENT_REVOKED: 'MTLS_CLIENT_CERT_REVOKED',
  MTLS_CERT_EXPIRED: 'MTLS_CLIENT_CERT_EXPIRED',
  MTLS_CERT_NOT_YET_VALID: 'MTLS_CLIENT_CERT_NOT_YET_VALID',
  MTLS_CHAIN_WRONG_PURPOSE: 'MTLS_CLIENT_CERT_WRONG_USAGE',
};

function statedReason(body: string): DiagnosisCode | null {
  const code = /^code: (MTLS_[A-Z0-9_]+)$/m.exec(body.slice(0, 4096))?.[1];
  return code ? (SERVER_VERDICTS[code] ?? null) : null;
}

import { diagnose } from '../core/errors.js';
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
/** Apache asking for the certificate after the request over TLS 1.3, from a client that did not offer post-handshake auth. */
const POST_HANDSHAKE = /post-handshake auth/i;

/**
 * 'maybe-missing': a 401/403 while no certificate was sent; it is about the certificate only if
 * the server asks for one (optional client auth refused by the application: nginx `optional` +
 * `return 403`, Apache `SSLVerifyClient optional` + `Require`), which the probe tells.
 */
export type HttpRejection = 'certificate-missing' | 'certificate-invalid' | 'post-handshake' | 'misdirected' | 'maybe-missing';

export function recognizeHttpRejection(status: number, body: string, certificateSent = true): HttpRejection | null {
  if (status === 496) return 'certificate-missing';
  if (status === 495) return 'certificate-invalid';
  if (status === 421) return 'misdirected';
  if (![400, 401, 403].includes(status)) return null;
  const text = body.slice(0, 4096);
  if (POST_HANDSHAKE.test(text)) return 'post-handshake';
  if (MISSING.test(text)) return 'certificate-missing';
  if (INVALID.test(text)) return 'certificate-invalid';
  if (!certificateSent && status !== 400) return 'maybe-missing';
  return null;
}

/** certain: false where the page says nothing about certificates (a 403 from a server that asked for one, none sent). */
export interface HttpDiagnosis {
  diagnosis: Diagnosis;
  certain: boolean;
}

/** A recognised HTTP-layer refusal, diagnosed like the matching TLS alert. */
export function diagnoseHttpRejection(status: number, body: string, evidence: FailureEvidence): HttpDiagnosis | null {
  const sent = evidence.clientChain.length > 0;
  const rejection = recognizeHttpRejection(status, body, sent);
  if (!rejection) return null;
  const where = hostPort(evidence.target.host, evidence.target.port);
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1]?.trim() ?? body.split('\n')[0]?.slice(0, 100) ?? '';
  const details: Record<string, string | number | boolean | string[]> = { server: where, httpStatus: status, page: title };
  if (evidence.connection.protocol) details.tlsVersion = evidence.connection.protocol;
  if (evidence.clientChain[0]) details.clientCertificate = evidence.clientChain[0].subject;
  if (evidence.probe?.acceptedCas) details.acceptedCas = evidence.probe.acceptedCas;
  const how = `(HTTP ${status} "${title}")`;
  if (rejection === 'misdirected') {
    const sni = evidence.connection.servername ?? evidence.target.host;
    return {
      certain: true,
      diagnosis: diagnose('MTLS_MISDIRECTED_REQUEST', `${where} answered HTTP 421 Misdirected Request: the virtual host chosen by the TLS server name ("${sni}") is not the one the Host header names, and client-certificate settings differ per host.`, { details }),
    };
  }
  if (rejection === 'post-handshake') {
    const over = evidence.connection.protocol ?? 'TLS 1.3';
    return {
      certain: true,
      diagnosis: diagnose('MTLS_CLIENT_CERT_POST_HANDSHAKE', `${where} asks for a client certificate only for this path, after the request (${over}), and this client cannot answer that way ${how}.`, { details }),
    };
  }
  if (rejection === 'maybe-missing') {
    const requested = evidence.probe?.certificateRequested ?? null;
    if (requested === true) {
      return { certain: false, diagnosis: clientCertificateRequired(evidence, `${where} asks for a client certificate, none was sent, and it refused the request at the HTTP level ${how}: the certificate is the likely reason.`, details) };
    }
    // TLS 1.3 encrypts the request for a certificate: a 403 to a client that sent none is most
    // likely optional client auth refused by the application (a 401 asks for other credentials).
    if (requested === null && status === 403 && evidence.connection.protocol === 'TLSv1.3') {
      return { certain: false, diagnosis: clientCertificateRequired(evidence, `${where} refused the request ${how}, and no client certificate was sent: over TLS 1.3 whether it asked for one cannot be seen, but a certificate is the likely reason.`, details) };
    }
    return null;
  }
  if (rejection === 'certificate-missing' || !sent) {
    const configured = sent ? ' although one was configured' : '';
    return { certain: true, diagnosis: clientCertificateRequired(evidence, `${where} requires a client certificate and received none${configured} ${how}.`, details) };
  }
  return { certain: true, diagnosis: clientCertificateRejected(evidence, { kind: 'http', status, stated: statedReason(body) }, how, details) };
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

import type { CertificateFacts } from '../../core/certificate/parse.js';
import { relativeTime } from '../../core/time/relative.js';
import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import { alertFromErrorCode } from '../alerts.js';

/** Why the server refused a client, or why a handshake failed: a catalog code and plain words. */
export interface ServeReason {
  code: DiagnosisCode;
  reason: string;
  /** OpenSSL's verify error or Node's error code, for those who know them. */
  detail: string | null;
}

const UNKNOWN_CA = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);
const CRL_PROBLEMS = new Set(['UNABLE_TO_GET_CRL', 'CRL_HAS_EXPIRED', 'CRL_NOT_YET_VALID', 'UNABLE_TO_DECRYPT_CRL_SIGNATURE', 'CRL_SIGNATURE_FAILURE', 'UNABLE_TO_GET_CRL_ISSUER']);

function quoted(names: string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/**
 * The server's verdict on a client certificate in plain words. `verifyError` is what OpenSSL
 * found (Node's socket.authorizationError); `peer` is the certificate the client presented, null
 * when it sent none; `trusted` are the subjects of the --client-ca certificates.
 */
export function refusalReason(verifyError: string | null, peer: CertificateFacts | null, trusted: string[], now: Date): ServeReason {
  if (!peer) return { code: 'MTLS_SERVE_NO_CLIENT_CERT', reason: 'no client certificate was sent', detail: null };
  const name = `"${peer.subjectCommonName ?? peer.subject}"`;
  const error = verifyError ?? 'UNSPECIFIED';
  const detail = verifyError;
  if (UNKNOWN_CA.has(error)) {
    const issuer = peer.selfSigned ? 'itself (it is self-signed)' : `"${peer.issuer}"`;
    return { code: 'MTLS_SERVE_CLIENT_UNKNOWN_CA', reason: `the client certificate ${name} was issued by ${issuer}, which is not a CA this server trusts (it trusts ${quoted(trusted)})`, detail };
  }
  if (error === 'CERT_HAS_EXPIRED') {
    const leafExpired = new Date(peer.notAfter) <= now;
    const when = leafExpired ? `expired on ${peer.notAfter} (${relativeTime(new Date(peer.notAfter), now)})` : 'has a CA certificate in its chain that expired';
    return { code: 'MTLS_CERT_EXPIRED', reason: `the client certificate ${name} ${when}`, detail };
  }
  if (error === 'CERT_NOT_YET_VALID') {
    return { code: 'MTLS_CERT_NOT_YET_VALID', reason: `the client certificate ${name} is valid only from ${peer.notBefore} (${relativeTime(new Date(peer.notBefore), now)})`, detail };
  }
  if (error === 'INVALID_PURPOSE') {
    const eku = peer.extendedKeyUsage ? peer.extendedKeyUsage.join(', ') : '(none)';
    return { code: 'MTLS_CHAIN_WRONG_PURPOSE', reason: `the client certificate ${name} is not meant for client authentication (extended key usage: ${eku}; clientAuth is missing)`, detail };
  }
  if (error === 'CERT_REVOKED') {
    return { code: 'MTLS_SERVE_CLIENT_REVOKED', reason: `the client certificate ${name} (serial ${peer.serialNumber}) is revoked by its CA (--crl)`, detail };
  }
  if (CRL_PROBLEMS.has(error)) {
    return { code: 'MTLS_SERVE_CRL_PROBLEM', reason: `the revocation of ${name} cannot be checked: ${error === 'UNABLE_TO_GET_CRL' ? `--crl holds no CRL from one of the CAs of its chain (it was issued by "${peer.issuer}"; an intermediate needs its root's CRL too)` : `the CRL is unusable (${error})`}`, detail };
  }
  if (error === 'CERT_SIGNATURE_FAILURE') {
    return { code: 'MTLS_CHAIN_BAD_SIGNATURE', reason: `the signature on the client certificate ${name} does not verify with the key of "${peer.issuer}"`, detail };
  }
  return { code: 'MTLS_SERVE_CLIENT_CERT_INVALID', reason: `the client certificate ${name} failed verification (${error})`, detail };
}

const PROTOCOL = /UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW|WRONG_SSL_VERSION/;
const CIPHER = /NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|NO_SUITABLE_SIGNATURE_ALGORITHM/;
const ABOUT_SERVER_CERTIFICATE = new Set(['unknown_ca', 'bad_certificate', 'certificate_unknown', 'certificate_expired', 'unsupported_certificate', 'certificate_revoked']);

/** Why a TLS handshake with a client failed (Node's 'tlsClientError'), in plain words. */
export function handshakeFailureReason(error: { code?: string; message: string }): ServeReason {
  const code = error.code ?? '';
  const detail = code || null;
  const message = error.message.split('\n')[0] ?? '';
  if (code === 'ERR_SSL_HTTP_REQUEST' || code === 'ERR_SSL_HTTPS_PROXY_REQUEST') {
    return { code: 'MTLS_SERVE_PLAIN_HTTP', reason: 'the client sent a plain HTTP request to this TLS port (http:// instead of https://)', detail };
  }
  if (PROTOCOL.test(code)) return { code: 'MTLS_SERVE_NO_COMMON_PROTOCOL', reason: 'the client offered no TLS version this server accepts (TLS 1.2 and 1.3)', detail };
  if (CIPHER.test(code)) return { code: 'MTLS_SERVE_NO_COMMON_CIPHER', reason: "the client offered no cipher suite usable with this server's key", detail };
  const alert = alertFromErrorCode(code);
  if (alert && ABOUT_SERVER_CERTIFICATE.has(alert.name)) {
    return { code: 'MTLS_SERVE_CLIENT_REFUSED_SERVER', reason: `the client refused this server's certificate (it sent alert ${alert.name}): give it the CA that issued the server certificate`, detail };
  }
  if (alert) return { code: 'MTLS_SERVE_HANDSHAKE_FAILED', reason: `the client ended the handshake with alert ${alert.name}`, detail };
  if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/.test(message)) {
    return { code: 'MTLS_SERVE_HANDSHAKE_FAILED', reason: 'the client closed the connection before the TLS handshake completed', detail };
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'ERR_SSL_RECORD_LAYER_FAILURE') {
    return { code: 'MTLS_SERVE_HANDSHAKE_FAILED', reason: 'the client did not speak TLS (it sent something that is not a TLS hello)', detail };
  }
  return { code: 'MTLS_SERVE_HANDSHAKE_FAILED', reason: `the TLS handshake failed: ${message}`, detail };
}

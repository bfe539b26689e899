import type { CertificateFacts } from '../core/certificate/parse.js';
import { diagnose } from '../core/errors.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import type { Diagnosis, RankedCause } from '../diagnoses/types.js';
import { hostPort } from './address.js';
import type { TlsAlert } from './alerts.js';
import { diagnoseClientAlert, diagnoseClientClose, refused, required, unexplainedCloseCauses } from './diagnosis/client.js';
import type { NearbyCertificate, UserFiles } from './diagnosis/facts.js';
import type { Refusal } from './diagnosis/rules.js';
import type { ConnectionRecord } from './connector.js';
import type { ProbeResult } from './probe/index.js';

/** Everything known when a request failed or was refused; plain values only. */
export interface FailureEvidence {
  /** The error the request ended with (undici's, or the connector's), if any. */
  error: { code: string | null; name: string; message: string } | null;
  connection: ConnectionRecord;
  target: { host: string; port: number };
  /** The client certificate chain offered (leaf first); empty when none was given. */
  clientChain: CertificateFacts[];
  /** The CAs given with --cacert; null when Node's bundled roots were used. */
  trustedCas: CertificateFacts[] | null;
  /** Server chain facts, leaf first, as Node holds it. */
  serverChain: CertificateFacts[];
  probe: ProbeResult | null;
  maxTimeExceeded: boolean;
  connectTimeoutMs: number | null;
  maxTimeMs: number | null;
  now: Date;
  /** The user's files as typed (--cert, --key, --cacert), so that fixes name them. */
  files?: UserFiles;
  /** Certificates beside the --cert file: the intermediate a leaf sent alone may be missing. */
  nearby?: NearbyCertificate[];
}

/** Any thrown value as the evidence's plain error shape (undici's, Node's, or the connector's). */
export function errorEvidence(error: unknown): NonNullable<FailureEvidence['error']> {
  const e = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  return { code: typeof e.code === 'string' ? e.code : null, name: typeof e.name === 'string' ? e.name : 'Error', message: typeof e.message === 'string' ? e.message : String(error) };
}

/** Does diagnosing this failure need the server's CertificateRequest (a TLS 1.2 probe)? */
export function failureNeedsProbe(connection: ConnectionRecord, error: FailureEvidence['error']): boolean {
  if (connection.connectTimedOut || error?.code === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE') return false;
  if (connection.alert) return connection.alert.name !== 'protocol_version';
  if (connection.handshakeComplete) return !connection.authorizationError && !connection.hostnameError;
  return ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(error?.code ?? '') || connection.closedDuringHandshake;
}

/** The connector's proxy failures (ProxyError) carry their catalog code. */
const PROXY_CODES = new Set(['MTLS_PROXY_UNREACHABLE', 'MTLS_PROXY_TLS_FAILED', 'MTLS_PROXY_AUTH_FAILED', 'MTLS_PROXY_FAILED']);

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function alertText(alert: TlsAlert): string {
  return `TLS alert ${alert.name}, ${alert.description}`;
}

function where(e: FailureEvidence): string {
  return hostPort(e.target.host, e.target.port);
}

function baseDetails(e: FailureEvidence): Record<string, string | number | boolean | string[]> {
  const details: Record<string, string | number | boolean | string[]> = { server: where(e) };
  const c = e.connection;
  if (c.address && c.address !== e.target.host) details.address = c.address;
  if (c.proxy) details.proxy = c.proxy;
  if (c.protocol) details.tlsVersion = c.protocol;
  if (c.alert) details.alert = `${c.alert.name} (${c.alert.description})`;
  if (e.error) details.error = e.error.code ? `${e.error.code}: ${e.error.message}` : e.error.message;
  if (e.clientChain[0]) details.clientCertificate = e.clientChain[0].subject;
  if (e.probe?.acceptedCas) details.acceptedCas = e.probe.acceptedCas;
  else if (e.probe?.reason) details.acceptedCasUnknown = e.probe.reason;
  return details;
}

/** The request ended without a response: turn what was seen into one diagnosis. */
export function diagnoseFailure(e: FailureEvidence): Diagnosis {
  const c = e.connection;
  const code = e.error?.code ?? '';
  const details = baseDetails(e);
  const stage = c.tcpDoneMs === null ? 'the TCP connection was not accepted' : 'the TCP connection was made but the TLS handshake never finished';
  // The limit that fired names the diagnosis: --max-time also bounds connecting.
  if (e.maxTimeExceeded) {
    const still = c.connectTimedOut ? `: ${stage}` : '';
    return diagnose('MTLS_REQUEST_TIMEOUT', `The request to ${where(e)} did not finish within ${e.maxTimeMs} ms${still}.`, { details });
  }
  if (c.connectTimedOut) return diagnose('MTLS_CONNECT_TIMEOUT', `Could not connect to ${where(e)} within ${e.connectTimeoutMs} ms: ${stage}.`, { details });
  if (PROXY_CODES.has(code)) return diagnose(code as DiagnosisCode, `${capitalized(e.error?.message ?? 'the proxy failed')}; the server was never reached.`, { details });
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA') {
    return diagnose('MTLS_DNS_FAILURE', `The host name "${e.target.host}" does not resolve (${code}).`, { details });
  }
  if (code === 'ECONNREFUSED') return diagnose('MTLS_CONNECTION_REFUSED', `Nothing listens on ${where(e)}: the connection was refused.`, { details });
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return diagnose('MTLS_HOST_UNREACHABLE', `No route to ${where(e)} (${code}).`, { details });
  // Set once the handshake completed, or when it was stopped before the client certificate left.
  if (c.authorizationError || c.hostnameError) return diagnoseServerCertificate(e, details);
  if (c.alert) return diagnoseAlert(e, c.alert, details);
  if (/WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST|RECORD_LAYER_FAILURE/.test(code) || e.probe?.outcome === 'not-tls') {
    return diagnose('MTLS_PLAIN_HTTP', `${where(e)} did not answer the TLS hello with TLS${e.probe?.reason ? `: ${e.probe.reason}` : ''}.`, { details });
  }
  if (code === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE') {
    return diagnose('MTLS_SERVER_CHAIN_TOO_LARGE', `${where(e)} sent a TLS handshake message larger than this client accepts (its certificate list is over 100 KiB, or claims to be).`, { details });
  }
  if (/UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|VERSION_TOO_LOW/.test(code)) {
    return diagnose('MTLS_NO_COMMON_PROTOCOL', `${where(e)} and this client share no TLS version.`, { details });
  }
  if (/NO_SHARED_CIPHER|NO_CIPHERS_AVAILABLE|NO_CIPHER_MATCH/.test(code)) {
    return diagnose('MTLS_NO_COMMON_CIPHER', `${where(e)} and this client share no cipher suite.`, { details });
  }
  if (!c.handshakeComplete && (c.closedDuringHandshake || ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code))) {
    return diagnoseClientClose(e, false, details) ?? diagnose('MTLS_PEER_CLOSED_HANDSHAKE', `${where(e)} accepted the connection, then closed it during the TLS handshake without saying why.`, {
      details,
      causes: unexplainedCloseCauses(e, false),
    });
  }
  if (c.handshakeComplete && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code)) {
    return diagnoseClientClose(e, true, details) ?? diagnose('MTLS_PEER_CLOSED_AFTER_HANDSHAKE', `The TLS handshake with ${where(e)} completed (${e.connection.protocol}), then the server closed the connection without an HTTP response or an alert.`, {
      details,
      causes: unexplainedCloseCauses(e, true),
    });
  }
  if (/^ERR_SSL_/.test(code)) return diagnose('MTLS_TLS_HANDSHAKE_FAILED', `The TLS handshake with ${where(e)} failed: ${openSslReason(e.error?.message ?? code)}.`, { details });
  return diagnose('MTLS_REQUEST_FAILED', `The request to ${where(e)} failed: ${e.error?.message ?? 'unknown error'}.`, { details });
}

/**
 * OpenSSL's error line without its machinery: "80…:error:0A000098:SSL routines:read_state_machine:excessive
 * message size:../deps/…/statem.c:609:" reads as "excessive message size".
 */
function openSslReason(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return /:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(line)?.[1] ?? line;
}

/** The server refused us with an alert: the client side first (what was sent, what is held), then the protocol. */
function diagnoseAlert(e: FailureEvidence, alert: TlsAlert, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  const client = diagnoseClientAlert(e, alert, details);
  if (client) return client;
  const sentCertificate = e.clientChain.length > 0;
  if (alert.name === 'protocol_version') return diagnose('MTLS_NO_COMMON_PROTOCOL', `${where(e)} refused every TLS version this client offered (${alertText(alert)}).`, { details });
  if (alert.name === 'insufficient_security' || (alert.name === 'handshake_failure' && e.probe?.outcome === 'alert')) {
    return diagnose('MTLS_NO_COMMON_CIPHER', `${where(e)} accepts none of the cipher suites offered (${alertText(alert)}).`, { details });
  }
  if (alert.name === 'handshake_failure' && !sentCertificate) {
    return diagnose('MTLS_TLS_HANDSHAKE_FAILED', `The TLS handshake with ${where(e)} failed (${alertText(alert)}), and no client certificate was sent.`, {
      details,
      causes: [
        { cause: 'The server requires a client certificate', likelihood: e.probe?.certificateRequested === false ? 'low' : 'high', ...(e.probe?.reason ? { evidence: e.probe.reason } : {}) },
        { cause: 'No common protocol or cipher', likelihood: 'medium' },
      ],
      fixes: ['Pass a client certificate: `--cert client.crt --key client.key`.'],
    });
  }
  return diagnose('MTLS_TLS_HANDSHAKE_FAILED', `The TLS handshake with ${where(e)} failed (${alertText(alert)}).`, { details });
}

/** For the HTTP layer (http-rejection.ts): no certificate reached the server, and it wants one. */
export function clientCertificateRequired(e: FailureEvidence, summary: string, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  return required(e, summary, details);
}

/** For the HTTP layer: the server refused the certificate that was sent; the engine ranks why. */
export function clientCertificateRejected(e: FailureEvidence, refusal: Refusal, how: string, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  return refused(e, refusal, how, details) ?? required(e, `${where(e)} requires a client certificate and received none ${how}.`, details);
}

const UNTRUSTED = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_UNTRUSTED']);

/** Our own verification of the server failed: the chain Node received says why. */
function diagnoseServerCertificate(e: FailureEvidence, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  const c = e.connection;
  const leaf = e.serverChain[0];
  if (leaf) {
    details.serverCertificate = leaf.subject;
    details.serverIssuer = leaf.issuer;
  }
  if (c.authorizationError) details.verifyError = c.authorizationError;
  const error = c.authorizationError ?? '';
  if (!error && c.hostnameError) {
    const names = leaf?.subjectAltNames.map((n) => `${n.type}:${n.value}`) ?? [];
    details.certificateNames = names;
    const byCn = names.length === 0 && leaf?.subjectCommonName ? ` (Node alone would accept it by its CN "${leaf.subjectCommonName}"; browsers and Go refuse a certificate without subjectAltName, and so does mtls)` : '';
    return diagnose('MTLS_SERVER_NAME_MISMATCH', `The certificate of ${where(e)} is not valid for "${c.servername}"; it lists ${names.length > 0 ? names.join(', ') : 'no subjectAltName at all'}${byCn}.`, { details });
  }
  if (error === 'CERT_HAS_EXPIRED' || error === 'CERT_NOT_YET_VALID') {
    const when = error === 'CERT_HAS_EXPIRED' ? `expired on ${leaf?.notAfter}` : `is valid only from ${leaf?.notBefore}`;
    return diagnose('MTLS_SERVER_CERT_EXPIRED', `The certificate of ${where(e)} ("${leaf?.subjectCommonName ?? leaf?.subject}") ${when}.`, { details });
  }
  if (error === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return diagnose('MTLS_SERVER_CERT_SELF_SIGNED', `${where(e)} presents a self-signed certificate ("${leaf?.subject}") that is not among the CAs you trust.`, { details });
  }
  if (UNTRUSTED.has(error)) {
    const trusted = e.trustedCas?.map((ca) => ca.subject) ?? null;
    const sentAlone = e.serverChain.length === 1 && leaf !== undefined && !leaf.selfIssued;
    const trustNote = trusted ? `you trust ${trusted.map((s) => `"${s}"`).join(', ')} (--cacert)` : "you trust Node's bundled public roots (no --cacert)";
    // A leaf sent alone, from an issuer that is not a trust anchor, while the user named a CA:
    // the usual story is an intermediate between the two that the server should have sent.
    if (sentAlone && trusted && !trusted.includes(leaf.issuer)) {
      return diagnose('MTLS_SERVER_CHAIN_INCOMPLETE', `${where(e)} sent only its own certificate, issued by "${leaf.issuer}", which is not a CA you trust; ${trustNote}.`, {
        details,
        causes: [
          { cause: 'The server does not send the intermediate certificate that links its certificate to your CA', likelihood: 'high', evidence: `the server sent 1 certificate, issued by "${leaf.issuer}"` },
          { cause: 'The CA given with --cacert is not the one behind this server', likelihood: 'medium', evidence: trustNote },
        ],
      });
    }
    return diagnose('MTLS_SERVER_CERT_UNTRUSTED', `The certificate of ${where(e)} was issued by "${leaf?.issuer ?? 'an unknown CA'}", which does not lead to a CA you trust; ${trustNote}.`, {
      details,
      causes: [
        { cause: trusted ? 'The CA given with --cacert is not the one that issued the server\'s chain' : 'The server uses a private CA and --cacert was not given', likelihood: 'high', evidence: trustNote },
        { cause: 'The server does not send its intermediate certificate', likelihood: sentAlone ? 'medium' : 'low', evidence: `the server sent ${e.serverChain.length} certificate(s)` },
        { cause: 'A TLS-intercepting proxy replaced the certificate', likelihood: 'low' },
      ],
    });
  }
  return diagnose('MTLS_SERVER_CERT_INVALID', `The certificate of ${where(e)} failed verification: ${error}.`, { details });
}

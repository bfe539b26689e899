import type { CertificateFacts } from '../core/certificate/parse.js';
import { diagnose } from '../core/errors.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import type { Diagnosis, RankedCause } from '../diagnoses/types.js';
import { hostPort } from './address.js';
import type { TlsAlert } from './alerts.js';
import { clientCertificateEvidence, codeForGenericRejection, rankRejectionCauses, type ClientCertificateEvidence, type RejectionHint } from './client-evidence.js';
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
}

/** Any thrown value as the evidence's plain error shape (undici's, Node's, or the connector's). */
export function errorEvidence(error: unknown): NonNullable<FailureEvidence['error']> {
  const e = (error ?? {}) as { code?: unknown; name?: unknown; message?: unknown };
  return { code: typeof e.code === 'string' ? e.code : null, name: typeof e.name === 'string' ? e.name : 'Error', message: typeof e.message === 'string' ? e.message : String(error) };
}

const CLIENT_ALERTS: Record<string, { code: DiagnosisCode | 'generic'; hint: RejectionHint | null }> = {
  unknown_ca: { code: 'MTLS_CLIENT_CERT_UNKNOWN_CA', hint: 'unknownCa' },
  certificate_expired: { code: 'MTLS_CLIENT_CERT_EXPIRED', hint: 'expired' },
  unsupported_certificate: { code: 'MTLS_CLIENT_CERT_WRONG_USAGE', hint: 'usage' },
  certificate_revoked: { code: 'MTLS_CLIENT_CERT_REVOKED', hint: 'revoked' },
  bad_certificate: { code: 'generic', hint: null },
  certificate_unknown: { code: 'generic', hint: null },
  access_denied: { code: 'generic', hint: null },
  decrypt_error: { code: 'generic', hint: null },
};

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
    return diagnose('MTLS_PEER_CLOSED_HANDSHAKE', `${where(e)} accepted the connection, then closed it during the TLS handshake without saying why.`, {
      details,
      causes: closedHandshakeCauses(e),
    });
  }
  if (c.handshakeComplete && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(code)) return diagnoseClosedAfterHandshake(e, details);
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

function closedHandshakeCauses(e: FailureEvidence): RankedCause[] {
  const probe = e.probe;
  const causes: RankedCause[] = [];
  if (probe?.outcome === 'tls12') causes.push({ cause: 'The server refused something in this client\'s hello or certificate without sending an alert', likelihood: 'medium', evidence: 'a plain TLS 1.2 hello got a normal answer' });
  else causes.push({ cause: 'The server hangs up on every TLS hello (it may not be a TLS server, or it is overloaded)', likelihood: 'high', ...(probe?.reason ? { evidence: `probe: ${probe.reason}` } : {}) });
  causes.push({ cause: 'A load balancer or firewall in between cut the connection', likelihood: 'medium' });
  causes.push({ cause: 'The server process crashed or is restarting', likelihood: 'medium' });
  return causes;
}

function clientEvidence(e: FailureEvidence): ClientCertificateEvidence | null {
  return clientCertificateEvidence(e.clientChain, e.probe?.acceptedCas ?? null, e.now);
}

/** The server refused us with an alert. Which alert, and what we sent, decide the diagnosis. */
function diagnoseAlert(e: FailureEvidence, alert: TlsAlert, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  const sentCertificate = e.clientChain.length > 0;
  if (alert.name === 'certificate_required' || (!sentCertificate && alert.name === 'handshake_failure' && e.probe?.certificateRequested === true)) {
    return clientCertificateRequired(e, `${where(e)} requires a client certificate and none was sent (${alertText(alert)}).`, details);
  }
  const known = CLIENT_ALERTS[alert.name];
  if (known && sentCertificate) return clientCertificateRejected(e, known.code, known.hint, `(${alertText(alert)})`, details);
  if (alert.name === 'handshake_failure' && sentCertificate && e.probe?.certificateRequested === true) {
    return clientCertificateRejected(e, 'generic', null, `(${alertText(alert)}, after the server asked for a client certificate)`, details);
  }
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

export function clientCertificateRequired(e: FailureEvidence, summary: string, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  const fixes: string[] = [];
  const accepted = e.probe?.acceptedCas;
  if (accepted && accepted.length > 0) fixes.push(`Use a certificate issued by one of the CAs the server accepts: ${accepted.map((n) => `"${n}"`).join(', ')}.`);
  return diagnose('MTLS_CLIENT_CERT_REQUIRED', summary, { details, fixes });
}

/**
 * The server refused the certificate we sent. A specific alert names the reason; a generic one
 * (bad_certificate, a proxy's "SSL certificate error" page) is resolved by the evidence.
 */
export function clientCertificateRejected(
  e: FailureEvidence,
  alertCode: DiagnosisCode | 'generic',
  hint: RejectionHint | null,
  how: string,
  details: Record<string, string | number | boolean | string[]>,
): Diagnosis {
  const evidence = clientEvidence(e);
  const code = alertCode === 'generic' ? codeForGenericRejection(evidence) : alertCode;
  const leaf = e.clientChain[0];
  const name = leaf ? `"${leaf.subjectCommonName ?? leaf.subject}"` : '';
  const reason: Partial<Record<DiagnosisCode, string>> = {
    MTLS_CLIENT_CERT_UNKNOWN_CA: `it does not trust the CA that issued it ("${leaf?.issuer}")`,
    MTLS_CLIENT_CERT_EXPIRED: `it expired on ${leaf?.notAfter}`,
    MTLS_CLIENT_CERT_NOT_YET_VALID: `it is valid only from ${leaf?.notBefore}`,
    MTLS_CLIENT_CERT_WRONG_USAGE: `it is not meant for client authentication (extended key usage: ${leaf?.extendedKeyUsage?.join(', ') ?? 'none'})`,
    MTLS_CLIENT_CERT_REVOKED: 'it has been revoked',
  };
  const because = reason[code] ? `: ${reason[code]}` : '';
  const summary = `${where(e)} rejected your client certificate ${name}${because} ${how}.`;
  const causes = evidence ? rankRejectionCauses(evidence, e.probe?.acceptedCas ?? null, hint) : undefined;
  const fixes = code === 'MTLS_CLIENT_CERT_UNKNOWN_CA' ? unknownCaFixes(e, evidence) : [];
  return diagnose(code, summary.replace(/\s+\./, '.'), { details, ...(causes ? { causes } : {}), fixes });
}

/** Fixes for an untrusted issuer that fit what was seen: only steps that can work for this server and this chain. */
function unknownCaFixes(e: FailureEvidence, evidence: ClientCertificateEvidence | null): string[] {
  const fixes: string[] = [];
  const accepted = e.probe?.acceptedCas;
  if (evidence?.issuerAccepted === true) {
    fixes.push(`The server accepts a CA named "${evidence.leaf.issuer}" but not your certificate: names are not keys, so the CA was probably re-created. Issue a new certificate from the CA the server trusts now, or give the server the current CA.`);
  } else if (accepted && accepted.length > 0) {
    fixes.push(`Use a certificate issued by one of the CAs the server accepts: ${accepted.map((n) => `"${n}"`).join(', ')}.`);
  } else if (e.probe?.outcome === 'tls13-only') {
    fixes.push('The server speaks TLS 1.3 only, which encrypts the list of CAs it accepts: ask its operator which CA issues its client certificates, and use a certificate from that CA.');
  } else if (!e.probe && !e.connection.proxy && e.connection.protocol !== 'TLSv1.3') {
    fixes.push('See which CAs the server accepts: `mtls request URL -v` lists them when the server speaks TLS 1.2.');
  }
  const intermediate = evidence?.issuerAccepted === true ? null : missingIntermediate(e);
  const bundle = '`cat client.crt intermediate.crt > client-chain.crt`';
  if (intermediate === 'known') fixes.push(`Send the intermediate with your certificate: ${bundle}.`);
  if (intermediate === 'unknown') fixes.push(`If "${e.clientChain.at(-1)?.issuer}" is an intermediate CA, send it with your certificate: ${bundle}.`);
  return fixes;
}

/**
 * Whether the chain the user sends stops below a CA certificate that is not a root. 'none' when
 * it ends in a self-signed certificate or its issuer is a root at hand (--cacert or the chain
 * itself): then there is no intermediate to send. 'unknown' when the issuer is nowhere at hand.
 */
function missingIntermediate(e: FailureEvidence): 'known' | 'unknown' | 'none' {
  const top = e.clientChain.at(-1);
  if (!top || top.selfSigned) return 'none';
  const issuer = [...e.clientChain, ...(e.trustedCas ?? [])].find((c) => c.subject === top.issuer);
  if (!issuer) return 'unknown';
  return issuer.selfSigned ? 'none' : 'known';
}

function diagnoseClosedAfterHandshake(e: FailureEvidence, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  const tls13 = e.connection.protocol === 'TLSv1.3';
  const sent = e.clientChain.length > 0;
  if (!sent && e.probe?.certificateRequested === true) {
    return clientCertificateRequired(e, `${where(e)} asked for a client certificate, none was sent, and it closed the connection without answering.`, details);
  }
  // Node's https server (and others that check the certificate in application code) hangs up
  // without an alert. When the certificate we sent is itself outside its dates or not meant for
  // clients, that is the reason, whatever the server did not say.
  const evidence = sent ? clientEvidence(e) : null;
  if (evidence && (evidence.expired || evidence.notYetValid || evidence.notForClientAuth)) {
    return clientCertificateRejected(e, 'generic', null, `(the server closed the connection after the ${e.connection.protocol} handshake without an alert)`, details);
  }
  const causes: RankedCause[] = [
    {
      cause: sent ? 'The server rejected your client certificate after the handshake' : 'The server requires a client certificate, and none was sent',
      likelihood: tls13 ? 'high' : 'medium',
      evidence: tls13 ? "in TLS 1.3 the server's verdict on the client certificate comes after the client's handshake completes" : `the connection used ${e.connection.protocol}`,
    },
    { cause: 'The server does not speak HTTP/1.1 on this port', likelihood: 'medium' },
    { cause: 'The server closed idle or unwanted connections', likelihood: 'low' },
  ];
  return diagnose('MTLS_PEER_CLOSED_AFTER_HANDSHAKE', `The TLS handshake with ${where(e)} completed (${e.connection.protocol}), then the server closed the connection without an HTTP response or an alert.`, { details, causes });
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

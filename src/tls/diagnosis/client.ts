import type { CertificateFacts } from '../../core/certificate/parse.js';
import { parseCertificateQuickly } from '../../core/certificate/facts.js';
import { diagnose } from '../../core/errors.js';
import type { Diagnosis, RankedCause } from '../../diagnoses/types.js';
import { hostPort } from '../address.js';
import type { TlsAlert } from '../alerts.js';
import type { FailureEvidence } from '../diagnose.js';
import { clientFacts, type ClientFacts } from './facts.js';
import { diagnoseRefusal, diagnoseRequired, type Details } from './refusal.js';
import { rankRules, type Refusal } from './rules.js';

/**
 * The client side of a refused handshake: what was sent (or not), what the server asked for,
 * and how it said no, turned into one diagnosis through the table in rules.ts.
 */

/** Alerts a server sends about the client's certificate, on one stack or another. */
const CERTIFICATE_ALERTS = new Set(['bad_certificate', 'unsupported_certificate', 'certificate_revoked', 'certificate_expired', 'certificate_unknown', 'unknown_ca', 'access_denied', 'decrypt_error', 'certificate_required']);

function where(e: FailureEvidence): string {
  return hostPort(e.target.host, e.target.port);
}

function alertText(alert: TlsAlert): string {
  return `TLS alert ${alert.name}, ${alert.description}`;
}

export function factsOf(e: FailureEvidence): ClientFacts | null {
  return clientFacts({
    chain: e.clientChain,
    acceptedCas: e.probe?.acceptedCas ?? null,
    probeOutcome: e.probe?.outcome ?? null,
    trustedCas: e.trustedCas,
    nearby: e.nearby ?? [],
    files: e.files ?? { cert: null, key: null, ca: null },
    now: e.now,
  });
}

function files(e: FailureEvidence): ClientFacts['files'] {
  return e.files ?? { cert: null, key: null, ca: null };
}

export function required(e: FailureEvidence, summary: string, details: Details): Diagnosis {
  return diagnoseRequired(summary, e.probe?.acceptedCas ?? null, files(e), details);
}

export function refused(e: FailureEvidence, refusal: Refusal, how: string, details: Details): Diagnosis | null {
  const f = factsOf(e);
  return f ? diagnoseRefusal(f, refusal, where(e), how, details) : null;
}

/** Whether the certificate in hand alone shows a reason for a refusal (a rule it confirms). */
function certificateShowsReason(e: FailureEvidence, refusal: Refusal): boolean {
  const f = factsOf(e);
  return f !== null && (rankRules(f, refusal)[0]?.weight ?? 0) >= 80;
}

/** The server's chain as seen (the TLS 1.2 probe reads it as sent, before any alert), leaf first. */
function serverChainSeen(e: FailureEvidence): CertificateFacts[] {
  if (e.serverChain.length > 0) return e.serverChain;
  return (e.probe?.serverChain ?? []).flatMap((der) => {
    // Node's parser only (request must not load the ASN.1 schema code): a certificate it cannot read is left out.
    try {
      const parsed = parseCertificateQuickly(der, 'server certificate');
      return parsed ? [parsed.facts] : [];
    } catch {
      return [];
    }
  });
}

/** The server sends a chain that stops below the CAs of --cacert: no intermediate links them. */
function serverChainIncomplete(e: FailureEvidence): CertificateFacts[] | null {
  const chain = serverChainSeen(e);
  const top = chain.at(-1);
  if (!top || top.selfSigned || !e.trustedCas || e.trustedCas.length === 0) return null;
  return e.trustedCas.some((ca) => ca.subject === top.issuer) ? null : chain;
}

/** internal_error: the server failed, whatever the client sent (lighttpd with a broken chain sends it to everyone). */
function serverFailed(e: FailureEvidence, alert: TlsAlert, details: Details): Diagnosis {
  // OpenSSL servers (Apache) answer "certificate chain too long" with internal_error too; a server
  // that answers a plain hello normally failed on what this client sent: a chain past its depth.
  if (e.clientChain.length >= 3 && e.probe?.outcome !== 'alert') {
    const deep = refused(e, { kind: 'alert', name: alert.name }, `(${alertText(alert)}, which OpenSSL servers send for "certificate chain too long")`, details);
    if (deep) return deep;
  }
  const incomplete = serverChainIncomplete(e);
  if (incomplete) {
    const top = incomplete.at(-1) as CertificateFacts;
    return diagnose('MTLS_SERVER_CHAIN_INCOMPLETE', `${where(e)} failed the handshake (${alertText(alert)}) and sends ${incomplete.length} certificate(s) that stop at "${top.issuer}", which is not a CA you trust: its own chain lacks the intermediate.`, {
      details,
      causes: [
        { cause: 'The server does not send the intermediate certificate that links its certificate to your CA (and fails on it)', likelihood: 'high', evidence: `the server sent ${incomplete.length} certificate(s), issued by "${top.issuer}"` },
        { cause: 'The server failed for another reason: its log says which', likelihood: 'medium' },
      ],
    });
  }
  return diagnose('MTLS_SERVER_INTERNAL_ERROR', `${where(e)} failed on its side during the TLS handshake (${alertText(alert)}): this is the server's error, not your certificate's.`, { details });
}

/** The server refused us with an alert. Which alert, what we sent and what we hold decide. */
export function diagnoseClientAlert(e: FailureEvidence, alert: TlsAlert, details: Details): Diagnosis | null {
  const sent = e.clientChain.length > 0;
  const requested = e.probe?.certificateRequested ?? null;
  if (alert.name === 'internal_error') return serverFailed(e, alert, details);
  if (alert.name === 'certificate_required') {
    const configured = sent ? ' although one was configured' : '';
    return required(e, `${where(e)} requires a client certificate and none was sent${configured} (${alertText(alert)}).`, details);
  }
  if (!sent) {
    // Go and Caddy say bad_certificate, Tomcat certificate_unknown, for "no certificate" too.
    if (CERTIFICATE_ALERTS.has(alert.name) || (alert.name === 'handshake_failure' && requested === true)) {
      return required(e, `${where(e)} requires a client certificate and none was sent (${alertText(alert)}).`, details);
    }
    return null;
  }
  const refusal: Refusal = { kind: 'alert', name: alert.name };
  if (CERTIFICATE_ALERTS.has(alert.name)) return refused(e, refusal, `(${alertText(alert)})`, details);
  if (alert.name === 'insufficient_security' && certificateShowsReason(e, refusal)) return refused(e, refusal, `(${alertText(alert)})`, details);
  if (alert.name === 'handshake_failure' && (requested === true || (requested === null && certificateShowsReason(e, refusal)))) {
    const asked = requested ? ', after the server asked for a client certificate' : '';
    return refused(e, refusal, `(${alertText(alert)}${asked})`, details);
  }
  return null;
}

/**
 * The server closed the connection without an alert (Node https, the JDK; GnuTLS, mbedTLS and
 * wolfSSL over TLS 1.2 when no certificate comes): the certificate in hand decides.
 */
export function diagnoseClientClose(e: FailureEvidence, afterHandshake: boolean, details: Details): Diagnosis | null {
  const sent = e.clientChain.length > 0;
  const requested = e.probe?.certificateRequested ?? null;
  const stage = afterHandshake ? `after the ${e.connection.protocol ?? 'TLS'} handshake` : 'during the TLS handshake';
  if (!sent) {
    if (requested === true) return required(e, `${where(e)} asked for a client certificate, none was sent, and it closed the connection ${stage} without an alert.`, details);
    // TLS 1.3 hides the request, and the server judges after the client's handshake: a close
    // right then, with no certificate sent, is the server refusing its absence (GnuTLS, Node).
    if (requested === null && afterHandshake && e.connection.protocol === 'TLSv1.3') {
      return required(e, `${where(e)} closed the connection right after the TLS 1.3 handshake, without an alert or an answer, and no client certificate was sent: it most likely requires one (TLS 1.3 encrypts its request for it).`, details);
    }
    return null;
  }
  // A server that does not ask for a certificate did not close over one.
  if (requested === false) return null;
  const refusal: Refusal = { kind: 'closed', afterHandshake };
  if (!certificateShowsReason(e, refusal)) return null;
  return refused(e, refusal, `(the server closed the connection ${stage} without an alert)`, details);
}

/** Causes for a close nothing in hand explains. */
export function unexplainedCloseCauses(e: FailureEvidence, afterHandshake: boolean): RankedCause[] {
  const sent = e.clientChain.length > 0;
  const tls13 = e.connection.protocol === 'TLSv1.3';
  if (afterHandshake) {
    return [
      {
        cause: sent ? 'The server rejected your client certificate after the handshake' : 'The server requires a client certificate, and none was sent',
        likelihood: tls13 ? 'high' : 'medium',
        evidence: tls13 ? "in TLS 1.3 the server's verdict on the client certificate comes after the client's handshake completes" : `the connection used ${e.connection.protocol}`,
      },
      { cause: 'The server does not speak HTTP/1.1 on this port', likelihood: 'medium' },
      { cause: 'The server closed idle or unwanted connections', likelihood: 'low' },
    ];
  }
  const probe = e.probe;
  const causes: RankedCause[] = [];
  if (probe?.outcome === 'tls12') {
    const asked = probe.certificateRequested ? ' (it asks for a client certificate)' : '';
    causes.push({ cause: `The server refused something in this client's hello or certificate without sending an alert${asked}`, likelihood: sent && probe.certificateRequested ? 'high' : 'medium', evidence: 'a plain TLS 1.2 hello got a normal answer' });
  } else {
    causes.push({ cause: 'The server hangs up on every TLS hello (it may not be a TLS server, or it is overloaded)', likelihood: 'high', ...(probe?.reason ? { evidence: `probe: ${probe.reason}` } : {}) });
  }
  causes.push({ cause: 'A load balancer or firewall in between cut the connection', likelihood: 'medium' });
  causes.push({ cause: 'The server process crashed or is restarting', likelihood: 'medium' });
  return causes;
}

import { parseCertificate, type ParsedCertificate } from '../../core/certificate/parse.js';
import { systemTrustAnchors, trustAnchorsFrom } from '../../core/chain/trust.js';
import { verifyChain } from '../../core/chain/verify.js';
import { check, skipped, type DoctorCheck } from '../../core/doctor/types.js';
import { catalog, isDiagnosisCode } from '../../diagnoses/catalog.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import { clientFacts, type NearbyCertificate, type UserFiles } from '../diagnosis/facts.js';
import { acceptedList, fileOf, otherCaFix, sendIntermediateFix } from '../diagnosis/fixes.js';
import { hostPort } from '../address.js';
import { alertFromErrorCode } from '../alerts.js';
import type { RequestResult } from '../request.js';
import type { RemoteEvidence } from './gather.js';

export interface RemoteCheckInput {
  evidence: RemoteEvidence;
  /** The certificates the user sends, leaf first; empty without a certificate. */
  clientChain: ParsedCertificate[];
  /** Why the client certificate cannot be presented (a key that does not match, say). */
  identityProblem: string | null;
  ca: { certificates: ParsedCertificate[]; origin: string } | null;
  now: Date;
  /** The user's files as typed, and the CA certificates beside the certificate file (for the fixes). */
  files?: UserFiles;
  nearby?: NearbyCertificate[];
}

/** The network checks, in the order a connection goes: name, socket, TLS, server, client certificate, request. */
export function remoteChecks(input: RemoteCheckInput): DoctorCheck[] {
  const { evidence } = input;
  const checks: DoctorCheck[] = [dnsCheck(evidence)];
  const steps: [string, string][] = [
    ['remote.tcp', 'TCP connection'],
    ['remote.tls-versions', 'TLS versions'],
    ['remote.server-chain', 'Server certificate'],
    ['remote.client-cert-request', 'Client certificate requested'],
    ['remote.client-cas', 'Client CAs the server accepts'],
    ['remote.request', 'Request with the client certificate'],
  ];
  const skipRest = (from: number, reason: string) => checks.push(...steps.slice(from).map(([id, title]) => skipped(id, title, reason)));
  if (!evidence.tcp) {
    skipRest(0, 'The host name does not resolve.');
    return checks;
  }
  checks.push(tcpCheck(evidence));
  if (!evidence.versions) {
    skipRest(1, 'No TCP connection.');
    return checks;
  }
  checks.push(versionsCheck(evidence));
  if (!evidence.serverChain) {
    skipRest(2, 'No TLS version could be agreed.');
    return checks;
  }
  checks.push(serverChainCheck(input), clientCertRequestCheck(input), clientCasCheck(input), requestCheck(input));
  return checks;
}

function dnsCheck(evidence: RemoteEvidence): DoctorCheck {
  const title = 'DNS';
  if (!evidence.dns.ok) {
    return check('remote.dns', title, 'fail', `${evidence.host} does not resolve (${evidence.dns.code}).`, { code: 'MTLS_DNS_FAILURE', fix: catalog.MTLS_DNS_FAILURE.fixes[0] });
  }
  if (evidence.dns.literal) return check('remote.dns', title, 'pass', `${evidence.host} is an IP address; no lookup needed.`);
  return check('remote.dns', title, 'pass', `${evidence.host} resolves to ${evidence.dns.addresses.join(', ')}.`);
}

const TCP_CODES: Record<string, 'MTLS_CONNECTION_REFUSED' | 'MTLS_HOST_UNREACHABLE' | 'MTLS_CONNECT_TIMEOUT'> = {
  ECONNREFUSED: 'MTLS_CONNECTION_REFUSED',
  EHOSTUNREACH: 'MTLS_HOST_UNREACHABLE',
  ENETUNREACH: 'MTLS_HOST_UNREACHABLE',
  ETIMEDOUT: 'MTLS_CONNECT_TIMEOUT',
};

function tcpCheck(evidence: RemoteEvidence): DoctorCheck {
  const tcp = evidence.tcp as NonNullable<RemoteEvidence['tcp']>;
  const where = hostPort(tcp.address, evidence.port);
  if (tcp.ok) return check('remote.tcp', 'TCP connection', 'pass', `Connected to ${where}.`);
  const code = TCP_CODES[tcp.code] ?? 'MTLS_HOST_UNREACHABLE';
  return check('remote.tcp', 'TCP connection', 'fail', `No TCP connection to ${where} (${tcp.code}).`, { code, fix: catalog[code].fixes[0] });
}

function versionsCheck(evidence: RemoteEvidence): DoctorCheck {
  const title = 'TLS versions';
  const versions = evidence.versions ?? [];
  const label = (v: string) => v.replace('TLSv', 'TLS ');
  const offered = versions.filter((v) => v.offered === true).map((v) => label(v.version));
  const others = versions.filter((v) => v.offered !== true).map((v) => `${label(v.version)} ${v.offered === false ? 'refused' : `unknown (${v.reason})`}`);
  if (offered.length > 0) return check('remote.tls-versions', title, 'pass', `Speaks ${offered.join(' and ')}${others.length > 0 ? `; ${others.join(', ')}` : ''}.`);
  const where = hostPort(evidence.host, evidence.port);
  if (evidence.probe?.outcome === 'not-tls') {
    return check('remote.tls-versions', title, 'fail', `${where} does not speak TLS (${evidence.probe.reason}).`, { code: 'MTLS_PLAIN_HTTP', fix: catalog.MTLS_PLAIN_HTTP.fixes[0] });
  }
  const failed = (code: VersionFailureCode, summary: string) => check('remote.tls-versions', title, 'fail', summary, { code, fix: catalog[code].fixes[0] });
  if (versions.some((v) => v.reason === 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE')) {
    return failed('MTLS_SERVER_CHAIN_TOO_LARGE', `${where} sends a certificate list larger than TLS clients accept (over 100 KiB, or an endless one): ${others.join(', ')}.`);
  }
  // Silence is not a refusal: a server that never answers says nothing about the versions it speaks.
  if (versions.length > 0 && versions.every((v) => v.timedOut)) return failed('MTLS_CONNECT_TIMEOUT', `${where} accepts TCP but never answers the TLS hello (${versions[0]?.reason}).`);
  if (versions.some((v) => v.timedOut)) return failed('MTLS_CONNECT_TIMEOUT', `${where} started a TLS handshake and never finished it: ${others.join(', ')}.`);
  if (versions.every((v) => v.offered === false)) return failed('MTLS_NO_COMMON_PROTOCOL', `Neither TLS 1.3 nor TLS 1.2 could be agreed: ${others.join(', ')}.`);
  if (versions.some((v) => v.reason !== null && CLOSED.has(v.reason))) {
    return failed('MTLS_PEER_CLOSED_HANDSHAKE', `${where} accepts TCP, then closes the connection during the TLS handshake: ${others.join(', ')}.`);
  }
  // internal_error is the server failing on its side (lighttpd with a chain it cannot use sends it to every hello): the same code as request.
  if (versions.some((v) => alertFromErrorCode(v.reason ?? undefined)?.name === 'internal_error')) {
    return failed('MTLS_SERVER_INTERNAL_ERROR', `${where} fails on its own side during the TLS handshake (internal_error), whatever the client sends: ${others.join(', ')}.`);
  }
  return failed('MTLS_TLS_HANDSHAKE_FAILED', `No TLS handshake with ${where} completed: ${others.join(', ')}.`);
}

type VersionFailureCode = 'MTLS_SERVER_CHAIN_TOO_LARGE' | 'MTLS_CONNECT_TIMEOUT' | 'MTLS_NO_COMMON_PROTOCOL' | 'MTLS_PEER_CLOSED_HANDSHAKE' | 'MTLS_SERVER_INTERNAL_ERROR' | 'MTLS_TLS_HANDSHAKE_FAILED';
const CLOSED = new Set(['ECONNRESET', 'EPIPE']);

/** The server's chain as a client sees it: to a CA in --cacert (else the system store), for the host name. */
function serverChainCheck(input: RemoteCheckInput): DoctorCheck {
  const title = 'Server certificate';
  const chain = input.evidence.serverChain as NonNullable<RemoteEvidence['serverChain']>;
  if (!chain.certificates) return skipped('remote.server-chain', title, `The server's certificates could not be read: ${chain.reason}`);
  let parsed: ParsedCertificate[];
  try {
    parsed = chain.certificates.map((der) => parseCertificate(der, 'server certificate'));
  } catch {
    return check('remote.server-chain', title, 'fail', 'The server sent a certificate that does not parse.', { code: 'MTLS_SERVER_CERT_INVALID', fix: catalog.MTLS_SERVER_CERT_INVALID.fixes[0] });
  }
  const [leaf, ...bundled] = parsed;
  if (!leaf) return check('remote.server-chain', title, 'fail', 'The server sent no certificate.', { code: 'MTLS_SERVER_CERT_INVALID', fix: catalog.MTLS_SERVER_CERT_INVALID.fixes[0] });
  const trust = input.ca ? trustAnchorsFrom(input.ca.certificates, input.ca.origin) : systemTrustAnchors();
  const verification = verifyChain({ leaf, bundled, trust, purpose: 'server', host: input.evidence.servername, at: input.now });
  const problem = verification.problems[0];
  // Seen from a client, a missing issuer in what the server sends is the server's incomplete chain: the same code as request.
  if (problem?.code === 'MTLS_CHAIN_ISSUER_MISSING') {
    return check('remote.server-chain', title, 'fail', `${problem.summary} The server does not send the intermediate that links its certificate to your CA.`, { code: 'MTLS_SERVER_CHAIN_INCOMPLETE', fix: catalog.MTLS_SERVER_CHAIN_INCOMPLETE.fixes[0] });
  }
  if (problem) return check('remote.server-chain', title, 'fail', problem.summary, { code: problem.code, fix: problem.fix });
  if (!verification.valid) return check('remote.server-chain', title, 'fail', verification.verdict, { code: 'MTLS_SERVER_CERT_UNTRUSTED', fix: catalog.MTLS_SERVER_CERT_UNTRUSTED.fixes[0] });
  return check('remote.server-chain', title, 'pass', `${verification.verdict.replace(/\.$/, '')} (chain ${chain.source}).`);
}

function isRequiredRefusal(result: RequestResult | null): boolean {
  return result?.diagnosis?.code === 'MTLS_CLIENT_CERT_REQUIRED';
}

/** Whether the server asks (TLS 1.2 CertificateRequest) and insists (a request without one is refused). */
function clientCertRequestCheck(input: RemoteCheckInput): DoctorCheck {
  const title = 'Client certificate requested';
  const { probe, anonymous } = input.evidence;
  const asked = probe?.certificateRequested ?? null;
  if (isRequiredRefusal(anonymous)) {
    const how = asked ? 'asks for one in its TLS 1.2 CertificateRequest and refuses' : 'refuses';
    return check('remote.client-cert-request', title, 'pass', `The server requires a client certificate: it ${how} a connection without one.`);
  }
  if (asked === false) {
    return check('remote.client-cert-request', title, 'warn', 'The server does not ask for a client certificate (no CertificateRequest in its TLS 1.2 handshake): mutual TLS is not enforced here.', {
      code: 'MTLS_CLIENT_CERT_NOT_REQUESTED',
      fix: catalog.MTLS_CLIENT_CERT_NOT_REQUESTED.fixes[0],
    });
  }
  if (anonymous && anonymous.response) {
    if (asked) return check('remote.client-cert-request', title, 'pass', `The server asks for a client certificate but also answers without one (HTTP ${anonymous.response.status}): the certificate is optional, so the application must check it.`);
    return check('remote.client-cert-request', title, 'warn', `The server answers without a client certificate (HTTP ${anonymous.response.status}); over TLS 1.3 whether it asks for one cannot be seen: mutual TLS is not enforced here.`, {
      code: 'MTLS_CLIENT_CERT_NOT_REQUESTED',
      fix: catalog.MTLS_CLIENT_CERT_NOT_REQUESTED.fixes[0],
    });
  }
  if (asked) return check('remote.client-cert-request', title, 'pass', 'The server asks for a client certificate (TLS 1.2 CertificateRequest).');
  return skipped('remote.client-cert-request', title, `Whether the server asks for a client certificate cannot be told: ${anonymous?.diagnosis?.summary ?? probe?.reason ?? 'no answer'}`);
}

/**
 * The CA names from the TLS 1.2 CertificateRequest against the chain the user sends, by the
 * engine's facts (src/tls/diagnosis/facts.ts): the leaf's issuer, or a sent intermediate's,
 * must be listed; an intermediate whose issuer is listed reaches a listed CA, which is fine.
 */
function clientCasCheck(input: RemoteCheckInput): DoctorCheck {
  const title = 'Client CAs the server accepts';
  const { probe } = input.evidence;
  if (!probe || probe.outcome === 'tls13-only') {
    return skipped('remote.client-cas', title, 'The server speaks TLS 1.3 only, which encrypts its CertificateRequest: the CAs it accepts cannot be read.');
  }
  if (!probe.tls12) return skipped('remote.client-cas', title, `The TLS 1.2 handshake could not be read: ${probe.reason ?? probe.outcome}.`);
  if (!probe.certificateRequested || probe.acceptedCas === null) return skipped('remote.client-cas', title, 'The server does not ask for a client certificate.');
  const accepted = probe.acceptedCas;
  if (accepted.length === 0) return check('remote.client-cas', title, 'pass', 'The server names no CAs: it takes any certificate it can verify.');
  const list = acceptedList(accepted);
  if (input.clientChain.length === 0) return check('remote.client-cas', title, 'pass', `The server accepts client certificates from ${list}.`);
  const facts = clientFacts({
    chain: input.clientChain.map((c) => c.facts),
    acceptedCas: accepted,
    probeOutcome: probe.outcome,
    trustedCas: input.ca?.certificates.map((c) => c.facts) ?? null,
    nearby: input.nearby ?? [],
    files: input.files ?? { cert: null, key: null, ca: fileOf(input.ca?.origin) },
    now: input.now,
  });
  const leaf = input.clientChain[0] as ParsedCertificate;
  if (facts && (facts.issuer === 'listed' || facts.issuer === 'path-listed')) return nameMatchCheck(input, list, facts.anchorName ?? leaf.facts.issuer, facts.issuer === 'path-listed');
  if (facts?.missingIntermediate === 'known') {
    return check('remote.client-cas', title, 'fail', `The server accepts client certificates from ${list}; yours was issued by the intermediate "${leaf.facts.issuer}", which you do not send.`, {
      code: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
      fix: sendIntermediateFix(facts),
    });
  }
  // Case 10 of issue 14: never "add it to --cacert", which changes nothing on the server.
  return check('remote.client-cas', title, 'fail', `The server accepts client certificates from ${list} only; yours was issued by "${leaf.facts.issuer}".`, {
    code: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
    fix: facts ? otherCaFix(facts) : `Use a certificate issued by ${list}.`,
  });
}

/**
 * The server lists CA names, and names are not keys: two CAs made alike (a re-created CA) share
 * a name. Only when the server refused the certificate as from an unknown CA is that worth a warning.
 */
function nameMatchCheck(input: RemoteCheckInput, list: string, anchor: string, viaIntermediate: boolean): DoctorCheck {
  const title = 'Client CAs the server accepts';
  const request = input.evidence.request;
  const how = viaIntermediate ? `through the intermediate you send, to "${anchor}"` : `to "${anchor}"`;
  if (request?.diagnosis?.code !== 'MTLS_CLIENT_CERT_UNKNOWN_CA') {
    const accepted = request?.response && !request.diagnosis ? ', and the server accepted it' : '';
    return check('remote.client-cas', title, 'pass', `Your certificate's chain leads ${how}, a CA the server accepts (${list})${accepted}.`);
  }
  const held = input.ca?.certificates.some((c) => c.facts.subject === anchor) ? ` Your ${input.ca?.origin ?? '--cacert'} holds a CA of that name too, but the server sends names only, so only names can be compared.` : '';
  return check('remote.client-cas', title, 'warn', `Your certificate's chain leads ${how}, a name the server accepts (${list}), yet the server refused it as from an unknown CA: names are not keys, so the CA was probably re-created.${held}`, {
    code: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
    fix: 'Compare keys, not names: the "Authority KID" of `mtls inspect client.crt` must equal the "Subject KID" of `mtls inspect ca.crt` for the CA in the server\'s client-CA file.',
  });
}

function requestCheck(input: RemoteCheckInput): DoctorCheck {
  const title = 'Request with the client certificate';
  const { request, anonymous } = input.evidence;
  if (input.identityProblem) return skipped('remote.request', title, `No request with the client certificate: ${input.identityProblem}.`);
  const result = request ?? anonymous;
  if (!result) return skipped('remote.request', title, 'No request was made.');
  const label = request ? title : 'Request without a client certificate';
  if (result.diagnosis) return fromDiagnosis(label, result.diagnosis);
  const response = result.response as NonNullable<RequestResult['response']>;
  const how = `${response.status} over ${result.tls.version ?? 'TLS'}`;
  if (response.status >= 400) {
    return check('remote.request', label, 'warn', `The handshake succeeded, but ${input.evidence.url} answered HTTP ${how}.`, { code: 'MTLS_HTTP_ERROR_STATUS', fix: catalog.MTLS_HTTP_ERROR_STATUS.fixes[0] });
  }
  return check('remote.request', label, 'pass', `GET ${input.evidence.url} → HTTP ${how}${request ? ', with the client certificate' : ''}.`);
}

function fromDiagnosis(title: string, diagnosis: Diagnosis): DoctorCheck {
  return check('remote.request', title, 'fail', diagnosis.summary, { ...(isDiagnosisCode(diagnosis.code) ? { code: diagnosis.code } : {}), ...(diagnosis.fixes[0] ? { fix: diagnosis.fixes[0] } : {}) });
}

import type { CertificateFacts, ParsedCertificate } from '../core/certificate/parse.js';
import { parseCertificateLazily } from '../core/certificate/parse-lazy.js';
import { diagnose } from '../core/errors.js';
import type { Identity } from '../core/load/identity.js';
import { toPem } from '../core/load/pem.js';
import { redactUrl } from '../core/text/redact-url.js';
import { hostPort } from './address.js';
import { identityPem } from './identity-pem.js';
import type { Diagnosis } from '../diagnoses/types.js';
import { createConnector, newConnectionRecord, type ConnectionRecord } from './connector.js';
import { http1Exchange, type Http1Response } from './http1.js';
import { diagnoseFailure, errorEvidence, failureNeedsProbe, type FailureEvidence } from './diagnose.js';
import { diagnoseHttpRejection, recognizeHttpRejection } from './http-rejection.js';
import { probeServer, type ProbeResult } from './probe/index.js';
import { certificatesBeside } from './diagnosis/nearby.js';
import { factsOf as clientFactsOf } from './diagnosis/client.js';
import { clockSkewDiagnosis, inspectionBy, inspectionDiagnosis, publicCaDiagnosis } from './diagnosis/warnings.js';
import { fileOf, type UserFiles } from './diagnosis/fixes.js';
import type { ProxyTlsOptions } from './proxy.js';

export interface RequestOptions {
  url: string;
  method?: string;
  headers?: [string, string][];
  body?: Buffer;
  identity?: Identity | null;
  /** Trust anchors from --cacert; absent means Node's bundled roots. */
  ca?: ParsedCertificate[] | null;
  insecure?: boolean;
  servername?: string;
  /** --resolve entries: connect to `address` for host:port. */
  resolve?: { host: string; port: number; address: string }[];
  connectTimeoutMs?: number;
  maxTimeMs?: number;
  /** An http:// or https:// proxy (from proxyFor); its credentials never reach the result. */
  proxy?: URL | null;
  /** TLS to an https:// proxy: its CA (--proxy-cacert, else the bundled roots) and --proxy-insecure. */
  proxyTls?: ProxyTlsOptions;
  /** 'always' also reads the server's CertificateRequest on success (for -v). */
  probe?: 'always' | 'on-failure';
  /** With --fail, an HTTP status of 400 or more is a failure. */
  failOnHttpError?: boolean;
  /**
   * The most of the response body held in memory (default 100 MiB). Past it, 'fail' ends the
   * request with MTLS_RESPONSE_TOO_LARGE; 'truncate' keeps the first bytes and hangs up.
   */
  bodyLimit?: { maxBytes: number; whenOver: 'fail' | 'truncate' };
  now?: Date;
  /** The --cacert file as typed, and the folder paths are relative to: fixes name the user's files. */
  caFile?: string;
  cwd?: string;
  /** Offer TLS 1.2 at most: the retry after a server asked for the certificate after the request over TLS 1.3. */
  maxTlsVersion?: 'TLSv1.2';
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  selfSigned: boolean;
}

/** Milliseconds from the start, like curl's time_namelookup, time_connect, … (null: not reached). */
export interface RequestTimings {
  dnsMs: number | null;
  tcpMs: number | null;
  tlsMs: number | null;
  firstByteMs: number | null;
  totalMs: number;
}

export interface RequestResult {
  ok: boolean;
  url: string;
  timings: RequestTimings;
  tls: {
    address: string | null;
    servername: string | null;
    proxy: string | null;
    version: string | null;
    cipher: string | null;
    alpn: string | null;
    serverChain: CertificateSummary[];
    /** 'as sent' when read from the cleartext TLS 1.2 handshake; else as Node holds it (it may add the root from the trust store). */
    serverChainSource: 'as sent' | 'as received by Node';
    /** Our verdict on the server: null when it verified; the reason otherwise (also with --insecure). */
    serverVerificationError: string | null;
    insecure: boolean;
    clientCertificate: {
      offered: CertificateSummary | null;
      /** From the TLS 1.2 CertificateRequest, or the server's alert; null when it cannot be known. */
      requested: boolean | null;
      acceptedCas: string[] | null;
      /** Why the request and CA list are unknown (TLS 1.3 encrypts them). */
      requestUnknownReason: string | null;
      /** The server failed verification, so the handshake stopped before the certificate was sent. */
      withheld: boolean;
    };
  };
  /** What was sent (for -v): the request line's method and target, and the headers in order, as given (the renderer redacts). */
  request: { method: string; path: string; headers: [string, string][] };
  /** `truncated`: the body went past `bodyLimit`; only its first bytes are here ('truncate'), or none ('fail'). */
  response: { status: number; statusText: string; httpVersion: string; headers: Record<string, string | string[]>; body: Buffer; truncated: boolean } | null;
  diagnosis: Diagnosis | null;
  /**
   * What is probably wrong though the request got an answer (an HTTP 403 from a server that asked
   * for the certificate none was sent): said on stderr, exit 0, as curl would without --fail.
   */
  notice: Diagnosis | null;
  /**
   * A refusal page (HTTP 4xx about the client certificate) is diagnosed, exit 1, and without
   * --fail its body is still the output, as curl prints it (issue 14, case 6).
   */
  showBody: boolean;
}

function summary(facts: CertificateFacts): CertificateSummary {
  return { subject: facts.subject, issuer: facts.issuer, notBefore: facts.notBefore, notAfter: facts.notAfter, fingerprintSha256: facts.fingerprintSha256, selfSigned: facts.selfSigned };
}

async function factsOf(chain: Buffer[]): Promise<CertificateFacts[]> {
  const facts: CertificateFacts[] = [];
  for (const der of chain) {
    try {
      facts.push((await parseCertificateLazily(der, 'server certificate')).facts);
    } catch {
      // A certificate we cannot parse is still shown by count; diagnosis works on the rest.
    }
  }
  return facts;
}

/**
 * One HTTPS request with a client certificate, and a diagnosis when it fails. Success means a
 * response was read: in TLS 1.3 the server judges the client certificate after the client's
 * handshake completes, so a finished handshake proves nothing. Never throws for network or TLS
 * failures; those are the diagnosis.
 */
export async function performRequest(options: RequestOptions): Promise<RequestResult> {
  const url = new URL(options.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const record: ConnectionRecord = newConnectionRecord();
  const identity = options.identity ?? null;
  // --max-time bounds everything, connecting included: a peer that takes TCP and never speaks TLS must not outlast it.
  const connectLimitMs = Math.min(options.connectTimeoutMs ?? Infinity, options.maxTimeMs ?? Infinity);
  const maxTimeLimitsConnect = options.maxTimeMs !== undefined && connectLimitMs === options.maxTimeMs;
  const connect = createConnector(
    {
      insecure: options.insecure === true,
      ...(identity ? { identity: identityPem(identity) } : {}),
      ...(options.ca ? { caPem: options.ca.map((c) => toPem('CERTIFICATE', c.der)) } : {}),
      ...(options.servername ? { servername: options.servername } : {}),
      resolve: new Map((options.resolve ?? []).map((r) => [`${r.host}:${r.port}`, r.address])),
      ...(Number.isFinite(connectLimitMs) ? { connectTimeoutMs: connectLimitMs } : {}),
      proxy: options.proxy ?? null,
      ...(options.proxyTls ? { proxyTls: options.proxyTls } : {}),
      ...(options.maxTlsVersion ? { maxVersion: options.maxTlsVersion } : {}),
    },
    record,
  );
  const signal = options.maxTimeMs ? AbortSignal.timeout(options.maxTimeMs) : undefined;
  const bodyLimit = options.bodyLimit ?? { maxBytes: DEFAULT_BODY_LIMIT_BYTES, whenOver: 'fail' };
  let response: RequestResult['response'] = null;
  let firstByteMs: number | null = null;
  let failure: unknown = null;
  let answer: Http1Response | null = null;
  const headers: [string, string][] = [['host', url.host], ['user-agent', 'mtls'], ...basicAuthFromUrl(url, options.headers ?? []), ...(options.headers ?? [])];
  // node:http adds Content-Length for a body; -v shows it as it goes out.
  const addsLength = options.body !== undefined && !headers.some(([name]) => /^(content-length|transfer-encoding)$/i.test(name));
  const sent: RequestResult['request'] = {
    method: options.method ?? (options.body ? 'POST' : 'GET'),
    path: `${url.pathname}${url.search}`,
    headers: addsLength ? [...headers, ['content-length', String(options.body?.length ?? 0)]] : headers,
  };
  try {
    const target = { hostname: url.hostname, port: String(port), protocol: 'https:' } as Parameters<typeof connect>[0];
    answer = await http1Exchange((opened) => connect(target, (error, socket) => opened(error, socket ?? undefined)), {
      path: sent.path,
      method: sent.method,
      headers,
      ...(options.body ? { body: options.body } : {}),
      ...(signal ? { signal } : {}),
    });
    firstByteMs = performance.now() - record.startedAt;
    const body = await readWithin(answer.body, bodyLimit);
    response = { status: answer.statusCode, statusText: answer.statusMessage, httpVersion: answer.httpVersion, headers: answer.headers, ...body };
  } catch (error) {
    failure = error;
  } finally {
    answer?.close();
  }
  const totalMs = performance.now() - record.startedAt;

  const clientChain = identity ? identity.certificates.map((c) => c.facts) : [];
  const serverChain = await factsOf(record.peerChain);
  const error = failure ? errorEvidence(failure) : null;
  const maxTimeExceeded = (record.connectTimedOut && maxTimeLimitsConnect) || signal?.aborted === true;
  const rejectedByHttp = response ? recognizeHttpRejection(response.status, response.body.toString('utf8'), clientChain.length > 0) !== null : false;
  // The probe dials the server directly, which a proxied setup may not allow.
  const wantProbe = !record.proxy && (options.probe === 'always' || rejectedByHttp || (failure !== null && !maxTimeExceeded && failureNeedsProbe(record, error)));
  // The probe is part of the request: it gets what is left of --max-time, never more.
  const probeTimeoutMs = Math.min(options.connectTimeoutMs ?? 5000, 5000, (options.maxTimeMs ?? Infinity) - totalMs);
  const probe: ProbeResult | null =
    wantProbe && probeTimeoutMs > 0
      ? await probeServer({ host, port, ...(record.address ? { address: record.address } : {}), servername: options.servername ?? host, timeoutMs: probeTimeoutMs })
      : null;

  const evidence: FailureEvidence = {
    error,
    connection: record,
    target: { host, port },
    clientChain,
    trustedCas: options.ca ? options.ca.map((c) => c.facts) : null,
    serverChain,
    probe,
    maxTimeExceeded,
    connectTimeoutMs: options.connectTimeoutMs ?? null,
    maxTimeMs: options.maxTimeMs ?? null,
    now: options.now ?? new Date(),
    files: userFiles(identity, options.caFile),
  };
  if (evidence.files?.cert && (!response || rejectedByHttp)) evidence.nearby = await certificatesBeside(evidence.files.cert, options.cwd ?? process.cwd());
  let diagnosis: Diagnosis | null = null;
  let notice: Diagnosis | null = null;
  let httpRefusal = false;
  if (!response) diagnosis = diagnoseFailure(evidence);
  else if (response.truncated && bodyLimit.whenOver === 'fail') {
    diagnosis = diagnose('MTLS_RESPONSE_TOO_LARGE', `${hostPort(host, port)} answered HTTP ${response.status} with a body larger than ${bodyLimit.maxBytes} bytes; the request was stopped there.`, { details: { httpStatus: response.status, limitBytes: bodyLimit.maxBytes } });
  } else {
    const refusal = diagnoseHttpRejection(response.status, response.body.toString('utf8'), evidence);
    if (refusal) diagnosis = refusal.diagnosis;
    httpRefusal = refusal !== null;
    if (diagnosis?.code === 'MTLS_CLIENT_CERT_POST_HANDSHAKE' && identity && record.protocol === 'TLSv1.3' && !options.maxTlsVersion) {
      return retryOverTls12(options, diagnosis);
    }
    if (!diagnosis && options.failOnHttpError && response.status >= 400) {
      diagnosis = diagnose('MTLS_HTTP_ERROR_STATUS', `${hostPort(host, port)} answered HTTP ${response.status}.`, { details: { httpStatus: response.status } });
    }
  }

  // A re-signing proxy explains a refused client certificate better than the certificate does.
  const verified = record.handshakeComplete && !record.authorizationError && !record.hostnameError;
  // The chain as sent (the probe's) when the handshake stopped before Node held one.
  const chainSeen = serverChain.length > 0 ? serverChain : await factsOf(probe?.serverChain ?? []);
  const inspected = !record.proxy ? inspectionBy(chainSeen, verified, Boolean(options.ca)) : null;
  if (inspected && diagnosis?.code.startsWith('MTLS_CLIENT_CERT_')) diagnosis = inspectionDiagnosis(hostPort(host, port), inspected, diagnosis.details ?? {});
  // -v also says what will break later.
  if (!diagnosis && options.probe === 'always') {
    const client = clientFactsOf(evidence);
    const dateHeader = response?.headers.date;
    notice = (inspected ? inspectionDiagnosis(hostPort(host, port), inspected, {}) : null) ?? publicCaDiagnosis(client, evidence.now) ?? clockSkewDiagnosis(hostPort(host, port), Array.isArray(dateHeader) ? dateHeader[0] : dateHeader, evidence.now, client);
  }

  const chainAsSent = probe?.tls12 ? probe.serverChain : [];
  const requested = probe?.certificateRequested ?? (record.alert?.name === 'certificate_required' ? true : null);
  return {
    ok: diagnosis === null,
    url: redactUrl(url),
    timings: { dnsMs: record.dnsDoneMs, tcpMs: record.tcpDoneMs, tlsMs: record.tlsDoneMs, firstByteMs, totalMs },
    tls: {
      address: record.address,
      servername: record.servername,
      proxy: record.proxy,
      version: record.protocol,
      cipher: record.cipher,
      alpn: record.alpn,
      serverChain: (chainAsSent.length > 0 ? await factsOf(chainAsSent) : serverChain).map(summary),
      serverChainSource: chainAsSent.length > 0 ? 'as sent' : 'as received by Node',
      serverVerificationError: record.authorizationError ?? record.hostnameError,
      insecure: options.insecure === true,
      clientCertificate: {
        offered: clientChain[0] ? summary(clientChain[0]) : null,
        requested,
        acceptedCas: probe?.acceptedCas ?? null,
        requestUnknownReason: requested === null ? (probe?.reason ?? 'not probed') : null,
        withheld: record.stoppedUnverified && clientChain.length > 0,
      },
    },
    request: sent,
    response,
    diagnosis,
    notice,
    showBody: response !== null && diagnosis !== null && httpRefusal && !options.failOnHttpError,
  };
}

/**
 * Over TLS 1.3 the server asked for the certificate after the request, which Node cannot answer;
 * over TLS 1.2 the same server renegotiates, which Node's client allows. One retry: its answer
 * if it works (with the reason as a notice), else the first diagnosis.
 */
async function retryOverTls12(options: RequestOptions, first: Diagnosis): Promise<RequestResult> {
  const retry = await performRequest({ ...options, maxTlsVersion: 'TLSv1.2' });
  const outcome = retry.diagnosis ? `failed too (${retry.diagnosis.code})` : 'worked';
  const said = { ...first, summary: `${first.summary} Retried over TLS 1.2 (renegotiation): it ${outcome}.`, details: { ...first.details, retryOverTls12: retry.diagnosis?.code ?? 'ok' } };
  if (!retry.diagnosis) return { ...retry, notice: said };
  return { ...retry, diagnosis: said };
}

function userFiles(identity: Identity | null, caFile: string | undefined): UserFiles {
  return { cert: fileOf(identity?.certSource.origin), key: fileOf(identity?.keySource.origin), ca: fileOf(caFile) };
}

const DEFAULT_BODY_LIMIT_BYTES = 100 * 1024 * 1024;

/**
 * Reads a body up to the limit; past it, stops reading (which closes the connection) and says so.
 * A body that fails the request is dropped: nobody reads it, and holding it would double the memory.
 */
async function readWithin(body: AsyncIterable<Buffer>, limit: NonNullable<RequestOptions['bodyLimit']>): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size + chunk.length > limit.maxBytes) {
      if (limit.whenOver === 'fail') return { body: Buffer.alloc(0), truncated: true };
      chunks.push(chunk.subarray(0, limit.maxBytes - size));
      return { body: Buffer.concat(chunks), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks), truncated: false };
}

/** As curl does: user:password in the URL becomes Basic authentication, unless a header sets it. */
function basicAuthFromUrl(url: URL, headers: [string, string][]): [string, string][] {
  if (!url.username && !url.password) return [];
  if (headers.some(([name]) => name.toLowerCase() === 'authorization')) return [];
  const credentials = `${percentDecoded(url.username)}:${percentDecoded(url.password)}`;
  return [['authorization', `Basic ${Buffer.from(credentials).toString('base64')}`]];
}

/** URL userinfo as the user meant it; a stray "%" (`p%zz`) is kept as typed, not an exit 3. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

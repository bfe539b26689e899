import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureVersion } from 'node:tls';
import type { ParsedCertificate } from '../../core/certificate/parse.js';
import type { Identity } from '../../core/load/identity.js';
import { MtlsError } from '../../core/errors.js';
import { connectInTurn, hostPort, type TcpFailure } from '../address.js';
import { fetchPeerChain } from '../endpoint.js';
import { identityPem } from '../identity-pem.js';
import { probeServer, type ProbeResult } from '../probe/index.js';
import { performRequest, type RequestResult } from '../request.js';
import { redactUrl } from '../../core/text/redact-url.js';
import { onServerFlightRead } from '../server-flight.js';

export type DnsEvidence = { ok: true; addresses: string[]; literal: boolean } | { ok: false; code: string };
export type TcpEvidence = { ok: true; address: string } | { ok: false; address: string; code: string };
/** offered: null when the attempt failed for another reason than the version (the reason says which). */
export interface VersionEvidence {
  version: 'TLSv1.2' | 'TLSv1.3';
  offered: boolean | null;
  reason: string | null;
  /** The server sent nothing back within the time limit: it took the TCP connection, not the hello. */
  timedOut: boolean;
}
export type ServerChainEvidence = { certificates: Buffer[]; source: 'as sent in TLS 1.2' | 'as received' } | { certificates: null; reason: string };

/** Everything the network checks look at, gathered in order; a step that cannot run is null. */
export interface RemoteEvidence {
  url: string;
  host: string;
  port: number;
  servername: string;
  dns: DnsEvidence;
  tcp: TcpEvidence | null;
  versions: VersionEvidence[] | null;
  probe: ProbeResult | null;
  serverChain: ServerChainEvidence | null;
  /** A request without a client certificate: does the server insist on one? */
  anonymous: RequestResult | null;
  /** The real request, with the client certificate; null without one. */
  request: RequestResult | null;
}

export interface GatherOptions {
  url: URL;
  servername?: string;
  identity: Identity | null;
  ca: ParsedCertificate[] | null;
  timeoutMs: number;
  now: Date;
  /** --cacert as typed and the folder paths are relative to: the request's fixes name the user's files. */
  caFile?: string;
  cwd?: string;
}

/**
 * Asks the server every question the doctor needs, each on its own connection so one answer
 * never hides another: DNS, TCP, each TLS version alone, the TLS 1.2 CertificateRequest (the
 * raw probe), the chain, a request without and one with the client certificate.
 */
export async function gatherRemoteEvidence(options: GatherOptions): Promise<RemoteEvidence> {
  const { url, timeoutMs } = options;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const servername = options.servername ?? host;
  const evidence: RemoteEvidence = { url: redactUrl(url), host, port, servername, dns: await resolveHost(host), tcp: null, versions: null, probe: null, serverChain: null, anonymous: null, request: null };
  if (!evidence.dns.ok) return evidence;
  evidence.tcp = await firstReachable(evidence.dns.addresses, port, timeoutMs);
  if (!evidence.tcp.ok) return evidence;
  const address = evidence.tcp.address;

  const target = { host, port, address, servername, timeoutMs };
  const [tls12, tls13, probe] = await Promise.all([tryVersion('TLSv1.2', target, options.identity), tryVersion('TLSv1.3', target, options.identity), probeServer(target)]);
  evidence.probe = probe;
  // The raw probe reads the TLS 1.2 hello itself, so its answer settles 1.2 whatever the full handshake did.
  if (probe.outcome === 'tls12') Object.assign(tls12, { offered: true, reason: null, timedOut: false });
  evidence.versions = [tls13, tls12];
  if (!evidence.versions.some((v) => v.offered)) return evidence;

  evidence.serverChain = await serverChain(evidence, options);
  const request = (identity: Identity | null) =>
    performRequest({
      url: url.href,
      identity,
      ca: options.ca,
      servername,
      resolve: [{ host, port, address }],
      connectTimeoutMs: timeoutMs,
      maxTimeMs: timeoutMs * 2,
      probe: 'on-failure',
      // The status and the start of the body (a proxy's refusal page) are all the checks read.
      bodyLimit: { maxBytes: 64 * 1024, whenOver: 'truncate' },
      now: options.now,
      ...(options.caFile ? { caFile: options.caFile } : {}),
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
  // Without a certificate the server shows whether it insists on one; a TLS 1.2 server that sends no CertificateRequest never does.
  if (probe.certificateRequested !== false || !options.identity) evidence.anonymous = await request(null);
  if (options.identity) evidence.request = await request(options.identity);
  return evidence;
}

async function resolveHost(host: string): Promise<DnsEvidence> {
  if (isIP(host)) return { ok: true, addresses: [host], literal: true };
  try {
    return { ok: true, addresses: (await lookup(host, { all: true })).map((a) => a.address), literal: false };
  } catch (error) {
    return { ok: false, code: (error as NodeJS.ErrnoException).code ?? 'error' };
  }
}

/** Every later step uses the address that answered. */
async function firstReachable(addresses: string[], port: number, timeoutMs: number): Promise<TcpEvidence> {
  try {
    const { socket, address } = await connectInTurn(addresses, port, { timeoutMs });
    socket.destroy();
    return { ok: true, address };
  } catch (error) {
    const failure = error as TcpFailure;
    return { ok: false, address: failure.address, code: failure.code ?? 'error' };
  }
}

/** Errors that mean "not this version", as OpenSSL reports them on either side. */
const VERSION_REFUSED = /PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE|WRONG_SSL_VERSION|TLSV1_ALERT_PROTOCOL_VERSION/;

/**
 * One handshake limited to one version (minVersion = maxVersion), not verifying the server:
 * this only asks whether the version is spoken. It ends once the server's flight is read and
 * before this client answers (onServerFlightRead): the version is
 * then known, and the client certificate, offered only so that a server requiring one does not
 * end the handshake first, is never sent to a server nobody has verified (the connector does the
 * same for requests). Where that event does not come, the handshake completes as before.
 */
function tryVersion(version: SecureVersion & VersionEvidence['version'], target: { address: string; port: number; servername: string; timeoutMs: number }, identity: Identity | null): Promise<VersionEvidence> {
  const pem = identity ? identityPem(identity) : null;
  return new Promise((resolve) => {
    const options: ConnectionOptions = {
      host: target.address,
      port: target.port,
      ...(isIP(target.servername) ? {} : { servername: target.servername }),
      minVersion: version,
      maxVersion: version,
      rejectUnauthorized: false,
      ...(pem ? { cert: pem.certPem, key: pem.keyPem } : {}),
    };
    const socket = tlsConnect(options);
    const done = (result: VersionEvidence) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ version, offered: null, reason: `no answer within ${target.timeoutMs} ms`, timedOut: true }), target.timeoutMs);
    onServerFlightRead(socket, () => done({ version, offered: true, reason: null, timedOut: false }));
    socket.once('secureConnect', () => done({ version, offered: true, reason: null, timedOut: false }));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? error.message;
      done({ version, offered: VERSION_REFUSED.test(code) ? false : null, reason: code, timedOut: false });
    });
  });
}

/** The chain exactly as sent when the TLS 1.2 probe read it; else from a TLS 1.3 handshake (which encrypts it). */
async function serverChain(evidence: RemoteEvidence, options: GatherOptions): Promise<ServerChainEvidence> {
  if (evidence.probe?.tls12 && evidence.probe.serverChain.length > 0) return { certificates: evidence.probe.serverChain, source: 'as sent in TLS 1.2' };
  const endpoint = { host: evidence.host, port: evidence.port, label: hostPort(evidence.host, evidence.port) };
  try {
    const chain = await fetchPeerChain(endpoint, { timeoutMs: options.timeoutMs, ...(isIP(evidence.servername) ? {} : { servername: evidence.servername }) });
    return { certificates: chain.certificates, source: 'as received' };
  } catch (error) {
    if (error instanceof MtlsError) return { certificates: null, reason: error.message };
    throw error;
  }
}

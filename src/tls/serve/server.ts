import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isMtlsError, MtlsError } from '../../core/errors.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import { describeClient, type ClientIdentity } from './client-identity.js';
import { loadServeCredentials, type ServeCredentials, type ServeCredentialSources } from './credentials.js';
import { handshakeFailureReason } from './reasons.js';
import { watchFiles } from './watch.js';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { Sidecar, SidecarEvent } from '../../serve-upstream/sidecar.js';
import type { UpstreamTarget } from '../../serve-upstream/upstream-url.js';
import { listenOn } from '../listen.js';

export type ClientAuth = 'required' | 'optional';

export interface ServerCertificateSummary {
  subject: string;
  fingerprintSha256: string;
  notAfter: string;
  /** What clients will object to in the server's own certificate (wrong purpose, expired). */
  warnings: string[];
}

/** What the server reports as it runs; plain values, one per thing that happened. */
export type ServeEvent =
  | { event: 'listening'; at: string; url: string; clientAuth: ClientAuth; serverCertificate: ServerCertificateSummary; clientCas: string[]; watching: string[]; upstream: string | null }
  | { event: 'request'; at: string; method: string; path: string; status: number; client: ClientIdentity }
  | { event: 'upstream-failed'; at: string; method: string; path: string; upstream: string; code: string; reason: string; detail: string | null; client: ClientIdentity }
  | { event: 'refused'; at: string; code: string; reason: string; detail: string | null; client: ClientIdentity }
  | { event: 'handshake-failed'; at: string; code: string; reason: string; detail: string | null; remoteAddress: string | null; remotePort?: number }
  /** A client that read the server's hello and hung up before sending a certificate: `mtls request -v`'s TLS 1.2 probe, `openssl s_client`, a scanner. */
  | { event: 'probe'; at: string; remoteAddress: string | null; remotePort?: number }
  | { event: 'reloaded'; at: string; trigger: ReloadTrigger; serverCertificate: ServerCertificateSummary; clientCas: string[] }
  | { event: 'reload-refused'; at: string; trigger: ReloadTrigger; diagnosis: Diagnosis }
  | { event: 'closing'; at: string }
  | { event: 'closed'; at: string };

export type ReloadTrigger = 'file change' | 'SIGHUP' | 'request';

export interface ServeOptions {
  sources: ServeCredentialSources;
  host: string;
  /** 0 lets the system pick a free port. */
  port: number;
  clientAuth: ClientAuth;
  /** Reload when the credential files change. */
  watch: boolean;
  onEvent: (event: ServeEvent) => void;
  /** `--upstream`: forward accepted requests to this plain-HTTP app instead of answering with the echo. */
  upstream?: UpstreamTarget;
}

export interface ServeHandle {
  url: string;
  port: number;
  /** Reads the credentials again; false (and a 'reload-refused' event) when the new ones are unusable. */
  reload(trigger: ReloadTrigger): Promise<boolean>;
  /** Stops accepting, lets requests in flight finish, then resolves. */
  close(): Promise<void>;
}

/** A refused client that never sends a request is not kept waiting for the HTTP timeouts. */
const REFUSED_IDLE_MS = 10_000;
/** Requests in flight get this long to finish on shutdown before their connections are cut. */
const SHUTDOWN_GRACE_MS = 5_000;

function summary(credentials: ServeCredentials): { serverCertificate: ServerCertificateSummary; clientCas: string[] } {
  const { subject, fingerprintSha256, notAfter, extendedKeyUsage } = credentials.serverCertificate;
  const warnings: string[] = [];
  if (extendedKeyUsage && !extendedKeyUsage.includes('serverAuth') && !extendedKeyUsage.includes('anyExtendedKeyUsage')) {
    warnings.push(`the server certificate is not meant for TLS servers (extendedKeyUsage: ${extendedKeyUsage.join(', ') || 'empty'}); clients will refuse it. Issue one with \`mtls issue server NAME\`.`);
  }
  if (Date.parse(notAfter) < Date.now()) warnings.push(`the server certificate expired on ${notAfter}; clients will refuse it.`);
  return { serverCertificate: { subject, fingerprintSha256, notAfter, warnings }, clientCas: credentials.clientCas.map((c) => c.subject) };
}

export function serveUrl(host: string, port: number): string {
  return `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`;
}

/**
 * An HTTPS server that asks every client for a certificate and says what it got. Node completes
 * the handshake whatever the certificate (rejectUnauthorized: false) and the verdict is given
 * here: Node cannot send a TLS alert for a certificate that fails verification — with
 * rejectUnauthorized it only hangs up after the handshake, leaving the client with "empty reply"
 * and no reason — so a refused client gets an HTTP answer naming the reason, as nginx does
 * (496 no certificate, 495 a certificate that failed), and the connection is closed.
 */
export async function startServe(options: ServeOptions): Promise<ServeHandle> {
  const now = () => new Date();
  const at = () => now().toISOString();
  let credentials = await loadServeCredentials(options.sources);
  const identities = new WeakMap<TLSSocket, ClientIdentity>();
  const required = options.clientAuth === 'required';
  // Loaded only with --upstream: plain `mtls serve` never loads undici.
  const sidecar: Sidecar | null = options.upstream
    ? (await import('../../serve-upstream/sidecar.js')).createSidecar({
        upstream: options.upstream,
        serverUris: () => credentials.serverCertificate.subjectAltNames.filter((n) => n.type === 'URI').map((n) => n.value),
        onEvent: (event) => options.onEvent(sidecarEvent(event, at())),
      })
    : null;

  const server: Server = createServer(
    { ...credentials.contextOptions, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const client = identities.get(socket) ?? describeClient(socket, credentials.clientCas.map((c) => c.subject), now());
      const refusal = required ? client.notVerifiedBecause : null;
      if (refusal) {
        const answer = refusalAnswer(client, refusal);
        response.writeHead(answer.status, answer.statusText, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        response.end(answer.body);
        return;
      }
      if (sidecar) return sidecar.request(request, response, client);
      const body = { ...client, request: { method: request.method ?? 'GET', path: request.url ?? '/' } };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
      options.onEvent({ event: 'request', at: at(), method: request.method ?? 'GET', path: request.url ?? '/', status: 200, client });
    },
  );

  server.on('secureConnection', (socket: TLSSocket) => {
    const client = describeClient(socket, credentials.clientCas.map((c) => c.subject), now());
    identities.set(socket, client);
    // Forwarded identity is read once per connection: a TLS 1.2 renegotiation must not swap the certificate under it.
    if (sidecar) socket.disableRenegotiation();
    if (required && client.notVerifiedBecause) {
      const { code, reason, detail } = client.notVerifiedBecause;
      options.onEvent({ event: 'refused', at: at(), code, reason, detail, client });
      socket.setTimeout(REFUSED_IDLE_MS, () => socket.destroy());
    }
  });
  // A client that hung up has no address any more by the time 'tlsClientError' comes (Node reads
  // it from the closed handle): note each one as it connects, by its TCP socket.
  const peers = new WeakMap<object, { remoteAddress: string | null; remotePort?: number }>();
  server.prependListener('connection', (raw: { remoteAddress?: string; remotePort?: number }) => {
    peers.set(raw, { remoteAddress: raw.remoteAddress ?? null, ...(raw.remotePort ? { remotePort: raw.remotePort } : {}) });
  });
  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    // The TCP socket under the TLS one (`_parent`, not public API): its address, and how much the server sent.
    const raw = (socket as TLSSocket & { _parent?: { bytesWritten?: number } | null })._parent ?? undefined;
    const from = (raw && peers.get(raw)) ?? { remoteAddress: socket.remoteAddress ?? null };
    if (isProbe(error, raw?.bytesWritten ?? 0)) {
      options.onEvent({ event: 'probe', at: at(), ...from });
    } else {
      const { code, reason, detail } = handshakeFailureReason(error);
      options.onEvent({ event: 'handshake-failed', at: at(), code, reason, detail, ...from });
    }
    socket.destroy();
  });

  if (sidecar) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const tlsSocket = request.socket as TLSSocket;
      const client = identities.get(tlsSocket) ?? describeClient(tlsSocket, credentials.clientCas.map((c) => c.subject), now());
      const refusal = required ? client.notVerifiedBecause : null;
      if (refusal) {
        const answer = refusalAnswer(client, refusal);
        socket.end(`HTTP/1.1 ${answer.status} ${answer.statusText}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\nconnection: close\r\n\r\n${answer.body}`);
        return;
      }
      sidecar.upgrade(request, socket, head, client);
    });
  }

  await listen(server, options.host, options.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const url = serveUrl(options.host, port);

  let pending: Promise<boolean> = Promise.resolve(true);
  const reload = (trigger: ReloadTrigger): Promise<boolean> => {
    pending = pending.then(async () => {
      try {
        const next = await loadServeCredentials(options.sources);
        // Same listener, new context: connections from now on get the new certificate.
        server.setSecureContext(next.contextOptions);
        credentials = next;
        options.onEvent({ event: 'reloaded', at: at(), trigger, ...summary(next) });
        return true;
      } catch (error) {
        const diagnosis = isMtlsError(error) ? error.toDiagnosis() : new MtlsError('MTLS_SERVE_RELOAD_REFUSED', (error as Error).message).toDiagnosis();
        options.onEvent({ event: 'reload-refused', at: at(), trigger, diagnosis });
        return false;
      }
    });
    return pending;
  };
  const stopWatching = options.watch ? watchFiles(credentials.files, () => void reload('file change')) : () => undefined;

  options.onEvent({ event: 'listening', at: at(), url, clientAuth: options.clientAuth, ...summary(credentials), watching: options.watch ? credentials.files : [], upstream: options.upstream?.origin ?? null });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      stopWatching();
      options.onEvent({ event: 'closing', at: at() });
      const force = setTimeout(() => {
        server.closeAllConnections();
        // Piped upgrades (WebSockets) are no HTTP connections any more: node:http cannot close them.
        void sidecar?.close();
      }, SHUTDOWN_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        void (sidecar?.close() ?? Promise.resolve()).then(() => {
          options.onEvent({ event: 'closed', at: at() });
          resolve();
        });
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url, port, reload, close };
}

/** 496 when no certificate came, 495 for a refused one (nginx's codes); a short first line, then the reason and its code. */
function refusalAnswer(client: ClientIdentity, refusal: NonNullable<ClientIdentity['notVerifiedBecause']>): { status: number; statusText: string; body: string } {
  const missing = client.certificate === null;
  return {
    status: missing ? 496 : 495,
    statusText: missing ? 'SSL Certificate Required' : 'SSL Certificate Error',
    body: `${missing ? 'client certificate required' : 'client certificate rejected'}\nreason: ${refusal.reason}\ncode: ${refusal.code}\n`,
  };
}

function sidecarEvent(event: SidecarEvent, at: string): ServeEvent {
  if (event.kind === 'forwarded') return { event: 'request', at, method: event.method, path: event.path, status: event.status, client: event.client };
  const { method, path, upstream, code, reason, detail, client } = event;
  return { event: 'upstream-failed', at, method, path, upstream, code, reason, detail, client };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return listenOn(server, host, port, { code: 'MTLS_SERVE_LISTEN_FAILED', freePortFix: 'Pick another port, or let the system choose one: `--port 0`.' });
}

/**
 * A hang-up (no alert) after the server's hello went out: the client read the flight up to
 * ServerHelloDone (with the CertificateRequest) and left, as `mtls request -v`, `mtls inspect`
 * and `mtls doctor` do to learn which CAs the server accepts. Nothing failed: it is not an error.
 */
function isProbe(error: Error & { code?: string }, serverBytesSent: number): boolean {
  const hungUp = error.code === 'ECONNRESET' || error.code === 'EPIPE' || /socket hang up/.test(error.message);
  return hungUp && serverBytesSent > 0;
}

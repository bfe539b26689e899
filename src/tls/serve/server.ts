import { createServer, type Server } from 'node:https';
import { isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isMtlsError, MtlsError } from '../../core/errors.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import { describeClient, type ClientIdentity } from './client-identity.js';
import { loadServeCredentials, type ServeCredentials, type ServeCredentialSources } from './credentials.js';
import { handshakeFailureReason } from './reasons.js';
import { watchFiles } from './watch.js';

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
  | { event: 'listening'; at: string; url: string; clientAuth: ClientAuth; serverCertificate: ServerCertificateSummary; clientCas: string[]; watching: string[] }
  | { event: 'request'; at: string; method: string; path: string; status: number; client: ClientIdentity }
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

  const server: Server = createServer(
    { ...credentials.contextOptions, requestCert: true, rejectUnauthorized: false },
    (request, response) => {
      const socket = request.socket as TLSSocket;
      const client = identities.get(socket) ?? describeClient(socket, credentials.clientCas.map((c) => c.subject), now());
      const refusal = required ? client.notVerifiedBecause : null;
      if (refusal) {
        const missing = client.certificate === null;
        // A short first line (what clients show as the page title), then the reason and its code.
        response.writeHead(missing ? 496 : 495, missing ? 'SSL Certificate Required' : 'SSL Certificate Error', { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        response.end(`${missing ? 'client certificate required' : 'client certificate rejected'}\nreason: ${refusal.reason}\ncode: ${refusal.code}\n`);
        return;
      }
      const body = { ...client, request: { method: request.method ?? 'GET', path: request.url ?? '/' } };
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`${JSON.stringify(body, null, 2)}\n`);
      options.onEvent({ event: 'request', at: at(), method: request.method ?? 'GET', path: request.url ?? '/', status: 200, client });
    },
  );

  server.on('secureConnection', (socket: TLSSocket) => {
    const client = describeClient(socket, credentials.clientCas.map((c) => c.subject), now());
    identities.set(socket, client);
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

  options.onEvent({ event: 'listening', at: at(), url, clientAuth: options.clientAuth, ...summary(credentials), watching: options.watch ? credentials.files : [] });

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      stopWatching();
      options.onEvent({ event: 'closing', at: at() });
      const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      force.unref();
      server.close(() => {
        clearTimeout(force);
        options.onEvent({ event: 'closed', at: at() });
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
  return { url, port, reload, close };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error & { code?: string }) => {
      reject(
        new MtlsError('MTLS_SERVE_LISTEN_FAILED', `Cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : error.message}.`, {
          details: { host, port, ...(error.code ? { error: error.code } : {}) },
          cause: error,
        }),
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
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

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Pool } from 'undici';
import { forwardHttp, forwardUpgrade, type ForwardOptions, type ForwardOutcome } from '../forward/index.js';
import type { ClientIdentity } from '../tls/serve/client-identity.js';
import { upstreamFailure, type UpstreamFailure } from './failure.js';
import { identityHeaders, isIdentityHeader } from './identity-headers.js';
import type { UpstreamTarget } from './upstream-url.js';

/** What the sidecar reports; the serve core turns these into its events. */
export type SidecarEvent =
  | { kind: 'forwarded'; method: string; path: string; status: number; client: ClientIdentity }
  | ({ kind: 'upstream-failed'; method: string; path: string; upstream: string; client: ClientIdentity } & UpstreamFailure);

export interface SidecarOptions {
  upstream: UpstreamTarget;
  /** URI SANs of the server certificate in use (XFCC's By): read per connection, so a reload shows. */
  serverUris: () => readonly string[];
  onEvent: (event: SidecarEvent) => void;
}

export interface Sidecar {
  /** Forwards an accepted request; answers 502 itself when the upstream cannot be reached. */
  request(req: IncomingMessage, res: ServerResponse, client: ClientIdentity): void;
  /** Forwards an accepted Upgrade (WebSocket) request and pipes both ways after the 101. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, client: ClientIdentity): void;
  /** Cuts piped upgrades (node:http no longer tracks those sockets) and closes the upstream pool. */
  close(): Promise<void>;
}

/** Upstream connections kept open: the app is on this machine, so a wide pool costs little. */
const POOL_CONNECTIONS = 256;

/**
 * `mtls serve --upstream`: every accepted request goes to the plain-HTTP app through src/forward
 * (bodies streamed, hop-by-hop fields handled, upgrades piped), with the client's identity set by
 * this server and every identity header the client sent removed first.
 */
export function createSidecar(options: SidecarOptions): Sidecar {
  const { upstream } = options;
  const upstreamUrl = new URL(upstream.origin);
  // One keep-alive pool to the app (its defaults: HTTP/1.1, pipelining 1, idle sockets reused).
  const pool = new Pool(upstream.origin, { connections: POOL_CONNECTIONS });
  const headersBySocket = new WeakMap<object, Record<string, string>>();
  const piped = new Set<Duplex>();

  const forwardOptions = (req: IncomingMessage, client: ClientIdentity): ForwardOptions => {
    const socket = req.socket as TLSSocket;
    // Per connection: the certificate cannot change on it (renegotiation is refused).
    let identity = headersBySocket.get(socket);
    if (!identity) {
      identity = identityHeaders(socket, client, options.serverUris());
      headersBySocket.set(socket, identity);
    }
    const forged: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      if (isIdentityHeader(name)) forged.push(name.toLowerCase());
    }
    return {
      dispatcher: pool,
      upstream: upstreamUrl,
      // As Envoy does for a sidecar: the app sees the Host the client asked for, and X-Forwarded-*.
      host: 'client',
      xForwarded: { proto: 'https' },
      dropRequestHeaders: forged,
      setRequestHeaders: identity,
    };
  };

  const failed = (outcome: Extract<ForwardOutcome, { kind: 'failed' }>, client: ClientIdentity): UpstreamFailure => {
    const failure = upstreamFailure(outcome.error, upstream.origin, outcome.responded);
    options.onEvent({ kind: 'upstream-failed', method: outcome.method, path: outcome.path, upstream: upstream.origin, client, ...failure });
    return failure;
  };

  return {
    request(req, res, client) {
      void forwardHttp(req, res, forwardOptions(req, client)).then((outcome) => {
        // A stream the client closed (an event stream, say) had its answer: it is logged as one.
        if (outcome.kind === 'done' || (outcome.kind === 'client-gone' && outcome.status !== null)) {
          options.onEvent({ kind: 'forwarded', method: outcome.method, path: outcome.path, status: outcome.status ?? 0, client });
        } else if (outcome.kind === 'failed') {
          const failure = failed(outcome, client);
          // Cut off midway: the client must see a broken response, not a short one that looks whole.
          if (outcome.responded) res.destroy();
          else badGateway(res, failure);
        }
      });
    },
    upgrade(req, socket, head, client) {
      piped.add(socket);
      socket.once('close', () => piped.delete(socket));
      void forwardUpgrade(req, socket, head, forwardOptions(req, client)).then((outcome) => {
        if (outcome.kind === 'done') {
          options.onEvent({ kind: 'forwarded', method: outcome.method, path: outcome.path, status: outcome.status, client });
        } else if (outcome.kind === 'failed') {
          const failure = failed(outcome, client);
          if (!socket.destroyed) socket.end(rawBadGateway(failure));
        }
      });
    },
    async close() {
      for (const socket of piped) socket.destroy();
      await pool.close().catch(() => undefined);
    },
  };
}

function badGatewayBody(failure: UpstreamFailure): string {
  return `upstream unreachable\nreason: ${failure.reason}\ncode: ${failure.code}${failure.detail ? ` (${failure.detail})` : ''}\n`;
}

function badGateway(res: ServerResponse, failure: UpstreamFailure): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/plain; charset=utf-8' });
  res.end(badGatewayBody(failure));
}

function rawBadGateway(failure: UpstreamFailure): string {
  const body = badGatewayBody(failure);
  return `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { MtlsError } from '../core/errors.js';
import { redactUrlsIn } from '../core/text/redact-url.js';
import { forwardHttp, forwardUpgrade, type ForwardOptions, type ForwardOutcome, type RefusalCheck } from '../forward/index.js';
import { findMtlsError } from '../lib/find-error.js';
import { cliWordsOf } from '../lib/cli-words.js';
import { isLoopbackHost } from '../tls/serve/loopback.js';
import { listenOn } from '../tls/listen.js';
import type { BridgeErrorBody, BridgeEvent } from './events.js';
import { sendBridgeError, sendBridgeErrorRaw } from './respond.js';
import { matchRoute, type BridgeRoute } from './routes.js';
import { loggablePath, stripTokenSegment, TOKEN_HEADER, tokenMatches } from './token.js';
import { catalog } from '../diagnoses/catalog.js';

export interface BridgeOptions {
  host: string;
  port: number;
  routes: readonly BridgeRoute[];
  /** null: --no-token (every local process may use the bridge). */
  token: string | null;
  /** The upstream dispatcher: the library's MtlsAgent (client certificate, rotation, diagnoses). */
  dispatcher: Dispatcher;
  onEvent: (event: BridgeEvent) => void;
  /** A check of refusal pages per route (nginx's 400 for a missing certificate), so they become the diagnosis. */
  refusalCheck?: (route: BridgeRoute) => RefusalCheck | undefined;
  /** false: no `request` events for exchanges that went well (-q); failures are always reported. */
  logRequests?: boolean;
  /** How long close() lets open responses (event streams) run before cutting them (default 2000 ms). */
  closeGraceMs?: number;
}

export interface RunningBridge {
  port: number;
  /** http://HOST:PORT (no token). */
  origin: string;
  close(): Promise<void>;
}

/** This hop's name in Via (RFC 9110 §7.6.3). */
const VIA = 'mtls-bridge';
/** The token header never goes upstream. */
const DROPPED = [TOKEN_HEADER];

/**
 * A plain-HTTP listener that forwards each request, by route, to its mTLS upstream through the
 * dispatcher. It answers by itself only a missing token (403), a foreign Host (403), an unknown
 * route (404), and an upstream that could not be reached or refused the handshake (502 with the
 * diagnosis). The token never goes upstream: its header and path segment are taken off first.
 */
export async function startBridge(options: BridgeOptions): Promise<RunningBridge> {
  const loopback = isLoopbackHost(options.host);
  const upgraded = new Set<Duplex>();
  const server = createServer();

  const admit = (req: IncomingMessage): { route: BridgeRoute; rest: string } | { status: 403 | 404; body: BridgeErrorBody } => {
    if (loopback && !hostIsLoopback(req.headers.host)) return refusal(403, 'MTLS_BRIDGE_HOST_REFUSED', `Host "${String(req.headers.host ?? '')}" is not this machine; a loopback bridge answers only 127.0.0.1, localhost and [::1].`);
    let url = req.url ?? '/';
    if (options.token !== null) {
      // The path form first (it must come off the path either way), then the header.
      const stripped = stripTokenSegment(options.token, url);
      const header = req.headers[TOKEN_HEADER];
      if (stripped !== null) url = stripped;
      else if (!(typeof header === 'string' && tokenMatches(options.token, header))) {
        return refusal(403, 'MTLS_BRIDGE_TOKEN_REQUIRED', `The request carried ${header === undefined ? 'no token' : 'a wrong token'}: put the bridge's token first in the path (/TOKEN/…) or in the ${TOKEN_HEADER} header.`);
      }
    }
    const matched = matchRoute(options.routes, url);
    if (!matched) return refusal(404, 'MTLS_BRIDGE_NO_ROUTE', `No route covers ${loggablePath(url)}; the routes are ${options.routes.map((r) => r.prefix).join(', ')}.`);
    return matched;
  };

  // Made once per route; a request adds only its path.
  const perRoute = new Map<BridgeRoute, ForwardOptions>(
    options.routes.map((route) => {
      const refusalCheck = options.refusalCheck?.(route);
      return [route, { dispatcher: options.dispatcher, upstream: route.upstream, via: VIA, dropRequestHeaders: DROPPED, ...(refusalCheck ? { refusalCheck } : {}) }];
    }),
  );
  const forwardOptions = (route: BridgeRoute, rest: string): ForwardOptions => ({ ...perRoute.get(route)!, path: rest });

  const report = (req: IncomingMessage, route: BridgeRoute, started: number, outcome: ForwardOutcome, upgrade: boolean): BridgeErrorBody | null => {
    if (outcome.kind === 'done' && options.logRequests === false) return null;
    const base = { at: new Date().toISOString(), method: outcome.method, path: loggablePath(req.url ?? '/'), route: route.prefix, upstream: `${route.upstream.origin}${outcome.path.split('?')[0]}`, durationMs: Date.now() - started };
    if (outcome.kind === 'done') {
      options.onEvent({ event: 'request', ...base, status: outcome.status, ...(upgrade ? { upgrade: true } : {}) });
      return null;
    }
    if (outcome.kind === 'client-gone') {
      options.onEvent({ event: 'client-gone', ...base, status: outcome.status });
      return null;
    }
    const diagnosis = diagnosisOf(outcome.error, route);
    options.onEvent({ event: 'upstream-failed', ...base, status: outcome.responded ? null : 502, ...diagnosis });
    return outcome.responded ? null : diagnosis;
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const started = Date.now();
    const admitted = admit(req);
    if ('status' in admitted) {
      refused(req, admitted, options.onEvent);
      // The body of a refused request is not read: close the connection after the answer.
      res.shouldKeepAlive = false;
      sendBridgeError(res, admitted.status, admitted.body);
      return;
    }
    void forwardHttp(req, res, forwardOptions(admitted.route, admitted.rest)).then((outcome) => {
      const body = report(req, admitted.route, started, outcome, false);
      if (body && !res.headersSent && !res.destroyed) sendBridgeError(res, 502, body);
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const started = Date.now();
    socket.on('error', () => socket.destroy());
    const admitted = admit(req);
    if ('status' in admitted) {
      refused(req, admitted, options.onEvent);
      sendBridgeErrorRaw(socket, admitted.status, admitted.body);
      return;
    }
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void forwardUpgrade(req, socket, head, forwardOptions(admitted.route, admitted.rest)).then((outcome) => {
      const body = report(req, admitted.route, started, outcome, true);
      if (body) sendBridgeErrorRaw(socket, 502, body);
    });
  });

  await listen(server, options.host, options.port);
  const { port } = server.address() as AddressInfo;
  const hostInUrl = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      const cut = setTimeout(() => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }, options.closeGraceMs ?? 2000);
      cut.unref();
      server.close(() => {
        clearTimeout(cut);
        resolve();
      });
      server.closeIdleConnections();
      for (const socket of upgraded) socket.destroy();
    });
    return closing;
  };
  return { port, origin: `http://${hostInUrl}:${port}`, close };
}

function refusal(status: 403 | 404, code: 'MTLS_BRIDGE_HOST_REFUSED' | 'MTLS_BRIDGE_TOKEN_REQUIRED' | 'MTLS_BRIDGE_NO_ROUTE', summary: string): { status: 403 | 404; body: BridgeErrorBody } {
  const entry = catalog[code];
  return { status, body: { code, title: entry.title, summary, fix: entry.fixes[0] ?? null } };
}

function refused(req: IncomingMessage, refusal: { status: 403 | 404; body: BridgeErrorBody }, onEvent: (event: BridgeEvent) => void): void {
  onEvent({ event: 'refused', at: new Date().toISOString(), method: req.method ?? 'GET', path: loggablePath(req.url ?? '/'), status: refusal.status, code: refusal.body.code, title: refusal.body.title });
}

/** The catalog's diagnosis behind an upstream failure: the library's MtlsError (the engine `mtls request` uses). */
function diagnosisOf(error: Error, route: BridgeRoute): BridgeErrorBody {
  const found = findMtlsError(error) ?? new MtlsError('MTLS_REQUEST_FAILED', `The request to ${route.upstream.origin} failed: ${redactUrlsIn(error.message)}.`, { cause: error });
  // The engine's own words (the flags the user typed), not the library's option names.
  const words = cliWordsOf(found);
  if (words) return { code: words.code, title: words.title, summary: words.summary, fix: words.fixes[0] ?? null };
  return { code: found.code, title: found.title, summary: found.message, fix: found.fix ?? null };
}

/** Host as a loopback client sends it: 127.x.x.x, localhost or [::1], with any port. */
function hostIsLoopback(host: string | undefined): boolean {
  if (!host) return false;
  // The usual case without a parse: 127.0.0.1:PORT.
  if (host.startsWith('127.0.0.1:') || host === '127.0.0.1') return true;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return isLoopbackHost(name);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return listenOn(server, host, port, { code: 'MTLS_BRIDGE_LISTEN_FAILED', freePortFix: 'Let the system choose a port: `--listen 127.0.0.1:0`.' });
}

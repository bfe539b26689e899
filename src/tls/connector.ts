import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { serverIdentityError } from './identity.js';
import type { buildConnector } from 'undici';
import { connectInTurn } from './address.js';
import { alertFromErrorCode, type TlsAlert } from './alerts.js';
import { openTunnel } from './proxy.js';
import { peerChainDer } from './endpoint.js';

export interface ConnectorOptions {
  /** Client certificate chain (PEM, leaf first) and its key; absent when no identity is used. */
  identity?: { certPem: string; keyPem: string };
  /** Trust anchors (PEM); absent means Node's bundled roots (plus NODE_EXTRA_CA_CERTS). */
  caPem?: string[];
  insecure: boolean;
  /** SNI and the name the server's certificate must match, when not the URL's host. */
  servername?: string;
  /** --resolve: "host:port" → address to connect to instead of asking DNS. */
  resolve?: Map<string, string>;
  connectTimeoutMs?: number;
  proxy?: URL | null;
}

export interface SocketErrorRecord {
  code: string | null;
  message: string;
  /** Milliseconds after the start of the connection. */
  atMs: number;
  afterHandshake: boolean;
}

/** Everything seen while connecting; filled in as it happens, read after the request ends. */
export interface ConnectionRecord {
  startedAt: number;
  dnsDoneMs: number | null;
  tcpDoneMs: number | null;
  tlsDoneMs: number | null;
  address: string | null;
  servername: string | null;
  proxy: string | null;
  handshakeComplete: boolean;
  protocol: string | null;
  cipher: string | null;
  alpn: string | null;
  /** The server's chain as Node holds it after the handshake (DER, leaf first). */
  peerChain: Buffer[];
  /** OpenSSL's verdict on the server's chain (verification runs even with --insecure, to report it). */
  authorizationError: string | null;
  hostnameError: string | null;
  /** Errors the sockets reported, in order; received TLS alerts are among them. */
  socketErrors: SocketErrorRecord[];
  /** The first TLS alert the server sent, if any: the real reason behind "other side closed". */
  alert: TlsAlert | null;
  connectTimedOut: boolean;
  /** The socket closed before the TLS handshake completed. */
  closedDuringHandshake: boolean;
}

export function newConnectionRecord(): ConnectionRecord {
  return {
    startedAt: performance.now(),
    dnsDoneMs: null,
    tcpDoneMs: null,
    tlsDoneMs: null,
    address: null,
    servername: null,
    proxy: null,
    handshakeComplete: false,
    protocol: null,
    cipher: null,
    alpn: null,
    peerChain: [],
    authorizationError: null,
    hostnameError: null,
    socketErrors: [],
    alert: null,
    connectTimedOut: false,
    closedDuringHandshake: false,
  };
}

export class ConnectError extends Error {
  constructor(
    readonly code: 'MTLS_CONNECT_TIMEOUT' | 'MTLS_SERVER_NOT_VERIFIED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * An undici connector that builds the TLS socket itself, so nothing the server says is lost:
 * it times DNS, TCP and TLS, keeps the chain the server sent, records every socket error
 * (Node surfaces a received alert as ERR_SSL_*_ALERT_* there, while undici later reports only
 * "other side closed"), and verifies the server after the handshake, so a failed verification
 * still shows what the server sent (certigo's approach).
 */
export function createConnector(options: ConnectorOptions, record: ConnectionRecord): buildConnector.connector {
  return (target, callback) => {
    let done = false;
    let socket: Socket | null = null;
    const elapsed = () => performance.now() - record.startedAt;
    const finish = (error: Error | null, tlsSocket?: TLSSocket) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        socket?.destroy();
        callback(error, null);
      } else callback(null, tlsSocket as TLSSocket);
    };
    const timer = options.connectTimeoutMs
      ? setTimeout(() => {
          record.connectTimedOut = true;
          finish(new ConnectError('MTLS_CONNECT_TIMEOUT', `no TLS connection within ${options.connectTimeoutMs} ms`));
        }, options.connectTimeoutMs)
      : undefined;
    const host = target.hostname.replace(/^\[|\]$/g, '');
    const port = Number(target.port || 443);
    const servername = options.servername ?? host;
    record.servername = servername;

    const onError = (error: NodeJS.ErrnoException) => {
      const code = error.code ?? null;
      record.socketErrors.push({ code, message: error.message, atMs: elapsed(), afterHandshake: record.handshakeComplete });
      record.alert ??= alertFromErrorCode(code ?? undefined);
      finish(error);
    };

    const startTls = (raw: Socket) => {
      const tlsOptions: ConnectionOptions = {
        socket: raw,
        servername: isIP(servername) ? '' : servername,
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: false,
        ...(options.caPem ? { ca: options.caPem } : {}),
        ...(options.identity ? { cert: options.identity.certPem, key: options.identity.keyPem } : {}),
      };
      const secure = tlsConnect(tlsOptions);
      socket = secure;
      secure.on('error', onError);
      secure.once('close', () => {
        if (!record.handshakeComplete) record.closedDuringHandshake = true;
        finish(Object.assign(new Error('the server closed the connection during the TLS handshake'), { code: 'ECONNRESET' }));
      });
      secure.once('secureConnect', () => {
        record.tlsDoneMs = elapsed();
        record.handshakeComplete = true;
        record.protocol = secure.getProtocol();
        record.cipher = secure.getCipher()?.name ?? null;
        record.alpn = secure.alpnProtocol || null;
        record.peerChain = peerChainDer(secure.getPeerCertificate(true));
        const chainError = secure.authorized ? null : String(secure.authorizationError ?? 'unknown verification error');
        // Node folds its own host name check into authorizationError; keep the two verdicts apart.
        record.authorizationError = chainError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : chainError;
        const peer = secure.getPeerCertificate();
        const identityError = peer && Object.keys(peer).length > 0 ? serverIdentityError(servername, peer) : undefined;
        record.hostnameError = identityError ? identityError.message : null;
        if (!options.insecure && (record.authorizationError || record.hostnameError)) {
          finish(new ConnectError('MTLS_SERVER_NOT_VERIFIED', record.authorizationError ?? record.hostnameError ?? ''));
          return;
        }
        finish(null, secure);
      });
    };

    const open = async () => {
      if (options.proxy) {
        record.proxy = options.proxy.host;
        const tunnel = await openTunnel(options.proxy, host, port);
        record.dnsDoneMs = record.tcpDoneMs = elapsed();
        return tunnel;
      }
      const fixed = options.resolve?.get(`${host}:${port}`) ?? (isIP(host) ? host : null);
      const addresses = fixed ? [fixed] : (await lookup(host, { all: true })).map((a) => a.address);
      record.dnsDoneMs = elapsed();
      const connected = await connectInTurn(addresses, port, {
        onAttempt: (address, raw) => {
          record.address = address;
          socket = raw;
        },
        stop: () => done,
      });
      record.tcpDoneMs = elapsed();
      return connected.socket;
    };

    open().then(
      (raw) => (done ? raw.destroy() : startTls(raw)),
      (error: NodeJS.ErrnoException) => {
        record.socketErrors.push({ code: error.code ?? null, message: error.message, atMs: elapsed(), afterHandshake: false });
        finish(error);
      },
    );
  };
}

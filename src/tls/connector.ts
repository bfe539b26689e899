import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { serverIdentityError } from './identity.js';
import { serverChainVerdict, serverChainVerdictFull, type ServerChainVerdict } from '../core/chain/server-policy.js';
import type { buildConnector } from 'undici';
import { connectInTurn } from './address.js';
import { alertFromErrorCode, type TlsAlert } from './alerts.js';
import { openTunnel, proxyLabel, type ProxyTlsOptions } from './proxy.js';
import { peerChainDer } from './endpoint.js';
import { onServerFlightRead } from './server-flight.js';

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
  /** An http:// or https:// proxy to tunnel through (CONNECT); its credentials are never recorded. */
  proxy?: URL | null;
  /** TLS to an https:// proxy: --proxy-cacert and --proxy-insecure. */
  proxyTls?: ProxyTlsOptions;
  /** The highest TLS version to offer (a retry over TLS 1.2, where the server can renegotiate). */
  maxVersion?: 'TLSv1.2';
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
  /** The proxy as host:port (never its credentials), when the connection went through one. */
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
  /**
   * The server failed verification and the handshake was stopped before the client certificate
   * was sent (chain, version and verdicts above are then from the unfinished handshake).
   */
  stoppedUnverified: boolean;
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
    stoppedUnverified: false,
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
 * "other side closed"), and verifies the server itself, so a failed verification still shows what
 * the server sent (certigo's approach). Unless --insecure, the verdict is taken before the client
 * certificate leaves (see judgeBeforeClientCertificate): a server that fails verification never
 * receives it, in TLS 1.2 or 1.3, as with curl.
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
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      };
      // The policy verdict is computed once per connection, early when it can be (null: needs the full reader).
      let policyOnce: { verdict: ServerChainVerdict | null } | null = null;
      const policyVerdict = (chain: Buffer[]) => (policyOnce ??= { verdict: serverChainVerdict(chain, servername, new Date()) }).verdict;
      const secure = tlsConnect(tlsOptions);
      socket = secure;
      secure.on('error', onError);
      if (!options.insecure) {
        onServerFlightRead(secure, () => {
          const verdict = judgeBeforeClientCertificate(secure, servername, policyVerdict);
          if (!verdict) return;
          Object.assign(record, verdict, { stoppedUnverified: true });
          finish(new ConnectError('MTLS_SERVER_NOT_VERIFIED', verdict.authorizationError ?? verdict.hostnameError ?? ''));
          raw.destroy();
        });
      }
      secure.once('close', () => {
        if (!record.handshakeComplete && !record.stoppedUnverified) record.closedDuringHandshake = true;
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
        const judged = () => {
          if (!options.insecure && (record.authorizationError || record.hostnameError)) {
            finish(new ConnectError('MTLS_SERVER_NOT_VERIFIED', record.authorizationError ?? record.hostnameError ?? ''));
            return;
          }
          finish(null, secure);
        };
        // chain verify's checks on top of Node's (docs/checks.md); an unusual certificate needs the full reader, loaded now.
        const policy = record.authorizationError ? null : policyVerdict(record.peerChain);
        const apply = (verdict: ServerChainVerdict | null) => {
          record.authorizationError ??= verdict?.chainError ?? null;
          record.hostnameError ??= verdict?.hostError ?? null;
        };
        if (record.authorizationError || policy) {
          apply(policy);
          judged();
          return;
        }
        serverChainVerdictFull(record.peerChain, servername, new Date()).then((verdict) => (apply(verdict), judged()), (error: Error) => finish(error));
      });
    };

    const open = async () => {
      if (options.proxy) {
        record.proxy = proxyLabel(options.proxy);
        const tunnel = await openTunnel(options.proxy, host, port, {
          ...(options.proxyTls ? { tls: options.proxyTls } : {}),
          onSocket: (opened) => {
            socket = opened;
          },
        });
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

type EarlyVerdict = Pick<ConnectionRecord, 'protocol' | 'cipher' | 'peerChain' | 'authorizationError' | 'hostnameError'>;

/**
 * The server's verdict, taken when its certificate has been processed and before this client
 * answers: null when the server verified. Node verifies only after the handshake, when the
 * client certificate has been sent (in TLS 1.2 in clear, to a server that then fails
 * verification), and has no verify callback; curl verifies inside OpenSSL's handshake and sends
 * nothing. onServerFlightRead (src/tls/server-flight.ts) is the synchronous hook after the
 * server's Certificate is processed and before the client's flight leaves. OpenSSL's verdict
 * for the chain is on the handle (verifyError is what Node itself reads after the handshake);
 * without it, the check after the handshake stands.
 */
function judgeBeforeClientCertificate(secure: TLSSocket, servername: string, policyVerdict: (chain: Buffer[]) => ServerChainVerdict | null): EarlyVerdict | null {
  const handle = (secure as unknown as { _handle?: { verifyError?: () => (Error & { code?: string }) | null | undefined } })._handle;
  if (typeof handle?.verifyError !== 'function') return null;
  const verifyError = handle.verifyError();
  const chainError = verifyError ? String(verifyError.code ?? verifyError.message) : null;
  const peer = secure.getPeerCertificate();
  const identityError = peer && Object.keys(peer).length > 0 ? serverIdentityError(servername, peer) : undefined;
  const peerChain = peerChainDer(secure.getPeerCertificate(true));
  // chain verify's checks on top of Node's (docs/checks.md); null here (an unusual certificate) waits for the handshake's end.
  const policy = chainError ? null : policyVerdict(peerChain);
  const authorizationError = chainError ?? policy?.chainError ?? null;
  const hostnameError = identityError?.message ?? policy?.hostError ?? null;
  if (!authorizationError && !hostnameError) return null;
  return {
    protocol: secure.getProtocol(),
    cipher: secure.getCipher()?.name ?? null,
    peerChain,
    authorizationError,
    hostnameError,
  };
}

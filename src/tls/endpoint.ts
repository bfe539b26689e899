import { connect, type ConnectionOptions, type DetailedPeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { KeyObject } from 'node:crypto';
import { MtlsError } from '../core/errors.js';
import { toPem } from '../core/load/pem.js';
import { redactUrl } from '../core/text/redact-url.js';

export interface Endpoint {
  host: string;
  port: number;
  /** As the user wrote it, for messages, less any credentials (`https://***@host`). */
  label: string;
}

/**
 * Reads `host:port`, `[v6]:port` or `https://host[:port]/…` as an endpoint; anything else is
 * not one (the caller then treats it as a file).
 */
export function parseEndpoint(value: string): Endpoint | null {
  if (/^https:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || 443), label: redactUrl(value) };
    } catch {
      return null;
    }
  }
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  if (!match) return null;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return null;
  return { host: (match[1] ?? '').replace(/^\[|\]$/g, ''), port, label: value };
}

export interface PeerChainOptions {
  servername?: string;
  timeoutMs: number;
  /** A client identity to present, for servers that require one before sending anything useful. */
  clientCertificates?: Buffer[];
  clientKey?: KeyObject;
}

export interface PeerChain {
  /** DER, leaf first, as the server sent them (linked order; Node drops certificates off the path). */
  certificates: Buffer[];
  protocol: string | null;
  cipher: string | null;
  alpn: string | null;
  servername: string | null;
  /** Whether we presented a client certificate (we only do when one was given). */
  clientCertificateSent: boolean;
}

/**
 * Connects without verifying (so it can always show what the server sent) and with an empty
 * trust store, so Node cannot append a root from the local store that the server never sent.
 */
export function fetchPeerChain(endpoint: Endpoint, options: PeerChainOptions): Promise<PeerChain> {
  const servername = options.servername ?? (isIP(endpoint.host) ? undefined : endpoint.host);
  const tlsOptions: ConnectionOptions = {
    host: endpoint.host,
    port: endpoint.port,
    rejectUnauthorized: false,
    ca: [],
    ALPNProtocols: ['h2', 'http/1.1'],
    ...(servername ? { servername } : {}),
    ...(options.clientCertificates && options.clientKey
      ? { cert: options.clientCertificates.map((der) => toPem('CERTIFICATE', der)).join(''), key: options.clientKey.export({ type: 'pkcs8', format: 'pem' }) }
      : {}),
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket: TLSSocket = connect(tlsOptions);
    const fail = (error: MtlsError) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new MtlsError('MTLS_ENDPOINT_UNREACHABLE', `${endpoint.label}: no TLS handshake within ${options.timeoutMs / 1000} s.`, {
        details: { endpoint: endpoint.label, reason: 'timeout' },
      }));
    }, options.timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      if (settled) return;
      settled = true;
      const result: PeerChain = {
        certificates: peerChainDer(socket.getPeerCertificate(true)),
        protocol: socket.getProtocol() ?? null,
        cipher: socket.getCipher()?.name ?? null,
        alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
        servername: servername ?? null,
        clientCertificateSent: Boolean(options.clientCertificates && Object.keys(socket.getCertificate() ?? {}).length > 0),
      };
      socket.end();
      resolve(result);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(new MtlsError('MTLS_ENDPOINT_UNREACHABLE', `${endpoint.label}: ${describeNetworkError(error)}.`, {
        details: { endpoint: endpoint.label, reason: error.code ?? 'error' },
        cause: error,
      }));
    });
  });
}

/** Walks Node's issuer links from the leaf, as DER, stopping where a certificate repeats (a self-signed root links to itself). */
export function peerChainDer(leaf: DetailedPeerCertificate): Buffer[] {
  const chain: Buffer[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = leaf;
  while (current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(current.raw);
    current = current.issuerCertificate;
  }
  return chain;
}

function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve (DNS)';
    case 'ECONNREFUSED':
      return 'connection refused: nothing listens on that port';
    case 'ECONNRESET':
      return 'the server closed the connection during the handshake';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'the host cannot be reached';
    case 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE':
      return 'the server sends a certificate list larger than TLS clients accept (over 100 KiB, or an endless one)';
    default:
      if (/wrong version number|packet length too long|http request/i.test(error.message)) return 'the port does not speak TLS (plain HTTP?)';
      return `the TLS handshake failed (${error.code ?? error.message})`;
  }
}

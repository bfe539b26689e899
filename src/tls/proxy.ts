import { connect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { MtlsError } from '../core/errors.js';
import { redactUrl } from '../core/text/redact-url.js';

/** The proxy a request goes through, and where that choice came from (for messages). */
export interface ProxySetting {
  /** http: or https:, with a host and a port; may hold user:password (never printed). */
  url: URL;
  /** "HTTPS_PROXY", "--proxy", …: named in messages instead of the value. */
  source: string;
}

/** What the command line says about proxies; absent fields fall back to the environment, as curl does. */
export interface ProxyFlags {
  /** --proxy: "" means no proxy, whatever the environment says. */
  proxy?: string;
  /** --noproxy: replaces NO_PROXY. */
  noProxy?: string;
}

/** TLS to an https:// proxy: its own trust anchors (--proxy-cacert) and --proxy-insecure. */
export interface ProxyTlsOptions {
  caPem?: string[];
  insecure: boolean;
}

const SUPPORTED = new Set(['http:', 'https:']);

/**
 * The proxy for an https URL: --proxy, else https_proxy / HTTPS_PROXY, else all_proxy / ALL_PROXY
 * (curl's order: lower case first), unless --noproxy or no_proxy / NO_PROXY names the host
 * (comma-separated; "*" for all, ".example.com" or "example.com" for a domain and its subdomains,
 * optional ":port"). A value without a scheme is an http:// proxy, as in curl. A malformed value or
 * a scheme other than http:// and https:// cannot be used: MtlsError, exit 2, before any traffic,
 * and never a silent CONNECT to a SOCKS proxy.
 */
export function proxyFor(url: URL, env: Record<string, string | undefined>, flags: ProxyFlags = {}): ProxySetting | null {
  const chosen = configuredProxy(env, flags);
  if (!chosen) return null;
  const setting = parseProxy(chosen.value, chosen.source);
  const noProxy = flags.noProxy ?? env.no_proxy ?? env.NO_PROXY ?? '';
  return bypasses(url, noProxy) ? null : setting;
}

function configuredProxy(env: Record<string, string | undefined>, flags: ProxyFlags): { value: string; source: string } | null {
  if (flags.proxy !== undefined) return flags.proxy.trim() === '' ? null : { value: flags.proxy, source: '--proxy' };
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) {
    const value = env[name];
    // An empty variable is unset, as in curl.
    if (value !== undefined && value.trim() !== '') return { value, source: name };
  }
  return null;
}

function bypasses(url: URL, noProxyList: string): boolean {
  const entries = noProxyList.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || '443';
  for (const entry of entries) {
    if (entry === '*') return true;
    // A bare IPv6 address ("::1") has no port; "[::1]:8443" and "host:8443" do.
    const [name, entryPort] = (isIP(entry) === 6 ? [entry] : entry.split(/:(?=\d+$)/)) as [string, string | undefined];
    if (entryPort && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '').replace(/^\[|\]$/g, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** The proxy's address for messages and output: host:port, never its credentials. */
export function proxyLabel(proxy: URL): string {
  return `${proxy.hostname}:${proxyPort(proxy)}`;
}

function proxyPort(proxy: URL): number {
  // curl's defaults: 1080 for an http:// proxy without a port, 443 for https://.
  return Number(proxy.port || (proxy.protocol === 'https:' ? 443 : 1080));
}

function parseProxy(value: string, source: string): ProxySetting {
  const shown = `${source}="${redactUrl(value)}"`;
  const trimmed = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== undefined && !SUPPORTED.has(`${scheme}:`)) throw unsupported(scheme, shown);
  let url: URL;
  try {
    url = new URL(scheme ? trimmed : `http://${trimmed}`);
  } catch {
    throw invalid(`${shown} is not a proxy URL.`);
  }
  if (/\s/.test(trimmed)) throw invalid(`${shown} contains white space.`);
  if (url.hostname === '' || url.hostname === '[]') throw invalid(`${shown} names no proxy host.`);
  if (url.port === '0') throw invalid(`${shown} has port 0.`);
  try {
    decodeURIComponent(url.username);
    decodeURIComponent(url.password);
  } catch {
    throw invalid(`${shown} has a user or password with a broken %-escape.`);
  }
  return { url, source };
}

function invalid(summary: string): MtlsError {
  return new MtlsError('MTLS_PROXY_INVALID', summary, {
    fixes: ['Set the proxy as `http://HOST:PORT` or `https://HOST:PORT` (credentials as `https://USER:PASSWORD@HOST:PORT`), or bypass it for this host: `--noproxy HOST`.'],
  });
}

function unsupported(scheme: string, shown: string): MtlsError {
  const socks = scheme.startsWith('socks');
  return new MtlsError('MTLS_PROXY_UNSUPPORTED', `${shown}: ${socks ? 'SOCKS proxies are' : `the ${scheme}:// scheme is`} not supported; mtls tunnels through http:// and https:// proxies only.`, {
    fixes: [
      'Use an HTTP proxy that allows CONNECT: `--proxy http://HOST:PORT` (or `https://HOST:PORT`).',
      'Connect directly to this host: `--noproxy HOST` (or `--proxy ""` for no proxy at all).',
    ],
  });
}

/** A failure to reach or use the proxy; `code` is the catalog's. Messages name host:port only. */
export class ProxyError extends Error {
  constructor(
    readonly code: 'MTLS_PROXY_UNREACHABLE' | 'MTLS_PROXY_TLS_FAILED' | 'MTLS_PROXY_AUTH_FAILED' | 'MTLS_PROXY_FAILED',
    message: string,
    /** The underlying error's code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …), if any. */
    readonly reason: string | null = null,
  ) {
    super(message);
    this.name = 'ProxyError';
  }
}

export interface TunnelOptions {
  tls?: ProxyTlsOptions;
  /** Each socket as it is opened, so the caller can destroy it on its own timeout. */
  onSocket?: (socket: Socket) => void;
}

/** A CONNECT answer's head is a few hundred bytes; a peer that sends more is not an HTTP proxy. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Opens a CONNECT tunnel through the proxy to host:port and hands back the socket to run the
 * origin's TLS in. An https:// proxy gets TLS first (verified against its own CA or the bundled
 * roots), so the CONNECT line and Proxy-Authorization cross the network encrypted, as in curl;
 * an http:// proxy gets them in clear, as in curl.
 */
export async function openTunnel(proxy: URL, host: string, port: number, options: TunnelOptions = {}): Promise<Socket> {
  const label = proxyLabel(proxy);
  const raw = await connectTcp(proxy, label, options);
  const carrier = proxy.protocol === 'https:' ? await startProxyTls(raw, proxy, label, options) : raw;
  const tunnel = await sendConnect(carrier, proxy, label, host, port);
  // The origin's TLS socket reports the failure (the tunnel closing); an error here must not go unheard.
  tunnel.on('error', () => tunnel.destroy());
  return tunnel;
}

function connectTcp(proxy: URL, label: string, options: TunnelOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: proxyPort(proxy) });
    options.onSocket?.(socket);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: NodeJS.ErrnoException) => {
      socket.destroy();
      reject(new ProxyError('MTLS_PROXY_UNREACHABLE', `cannot connect to the proxy ${label} (${error.code ?? error.message})`, error.code ?? null));
    };
    socket.once('error', onError);
  });
}

function startProxyTls(raw: Socket, proxy: URL, label: string, options: TunnelOptions): Promise<TLSSocket> {
  const hostname = proxy.hostname.replace(/^\[|\]$/g, '');
  const tls = options.tls ?? { insecure: false };
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket: raw,
      // host: the name the certificate must match (Node's check falls back to "localhost" without it).
      host: hostname,
      servername: isIP(hostname) ? '' : hostname,
      // Verified during the handshake: nothing is sent to a proxy that is not the one named.
      rejectUnauthorized: !tls.insecure,
      ...(tls.caPem ? { ca: tls.caPem } : {}),
      ALPNProtocols: ['http/1.1'],
    });
    options.onSocket?.(secure);
    const onError = (error: NodeJS.ErrnoException) => {
      secure.destroy();
      raw.destroy();
      const reason = error.code ?? null;
      const why = reason && /^ERR_SSL_WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG/.test(reason) ? 'it does not speak TLS (an http:// proxy given as https://?)' : error.message;
      reject(new ProxyError('MTLS_PROXY_TLS_FAILED', `TLS to the proxy ${label} failed: ${why}`, reason));
    };
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      secure.off('error', onError);
      resolve(secure);
    });
  });
}

function sendConnect(socket: Socket, proxy: URL, label: string, host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const auth = proxy.username || proxy.password ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
    const fail = (error: ProxyError) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) fail(new ProxyError('MTLS_PROXY_FAILED', `the proxy ${label} answered CONNECT with something that is not HTTP`));
        return;
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? 0);
      if (status === 407) {
        const what = auth ? 'rejected the credentials in the proxy URL' : 'requires credentials (HTTP 407) and the proxy URL has none';
        fail(new ProxyError('MTLS_PROXY_AUTH_FAILED', `the proxy ${label} ${what}`));
        return;
      }
      if (status < 200 || status > 299) {
        fail(new ProxyError('MTLS_PROXY_FAILED', `the proxy ${label} answered ${status || 'something that is not HTTP'} to CONNECT ${authority}`));
        return;
      }
      cleanup();
      socket.pause();
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const onError = (error: NodeJS.ErrnoException) => fail(new ProxyError('MTLS_PROXY_FAILED', `the connection to the proxy ${label} failed during CONNECT (${error.code ?? error.message})`, error.code ?? null));
    const onClose = () => fail(new ProxyError('MTLS_PROXY_FAILED', `the proxy ${label} closed the connection without answering CONNECT ${authority}`));
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    socket.on('data', onData);
    socket.once('error', onError);
    socket.once('close', onClose);
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`);
  });
}

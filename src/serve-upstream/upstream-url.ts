import { MtlsError } from '../core/errors.js';
import { redactUrl } from '../core/text/redact-url.js';
import { isLoopbackHost } from '../tls/serve/loopback.js';

/** Where `mtls serve --upstream` forwards: a plain-HTTP origin on this machine (or one the user chose). */
export interface UpstreamTarget {
  /** `http://host:port` (as shown in logs; never carries credentials). */
  origin: string;
  /** Host as Node's http client wants it (IPv6 without brackets). */
  hostname: string;
  port: number;
  /** False when plain HTTP with the identity headers leaves this machine. */
  loopback: boolean;
}

const EXAMPLE = '`mtls serve --upstream http://127.0.0.1:3000 --cert server.crt --key server.key --client-ca ca.crt`';

function invalid(summary: string, value: string): MtlsError {
  return new MtlsError('MTLS_SERVE_UPSTREAM_INVALID', summary, { details: { upstream: redactUrl(value) }, fixes: [`Point it at the app's plain-HTTP port: ${EXAMPLE}.`] });
}

/**
 * Checks `--upstream`: http:// only (the sidecar's job is to hold the TLS, the app behind it
 * speaks plain HTTP), an origin without path, query or credentials (none of them would be sent,
 * and saying so beats dropping them quietly).
 */
export function parseUpstreamUrl(value: string): UpstreamTarget {
  const shown = redactUrl(value);
  // "localhost:3000" parses as a URL whose scheme is "localhost:": without "://" it is no URL here.
  if (!value.includes('://') || !URL.canParse(value)) {
    const hint = /^[\w.-]*:?\d+$|^\[[\da-f:]+\]:\d+$/i.test(value) ? ` (write it as a URL: http://${/^\d+$/.test(value) ? `127.0.0.1:${value}` : value.replace(/^:/, '127.0.0.1:')})` : '';
    throw invalid(`--upstream ${JSON.stringify(shown)} is not a URL${hint}.`, value);
  }
  const url = new URL(value);
  if (url.protocol !== 'http:') {
    const why = url.protocol === 'https:' ? 'forwards plain HTTP to the app behind it; an https:// upstream is not supported (point it at the app\'s plain-HTTP port)' : `forwards plain HTTP only, not ${url.protocol.replace(/:$/, '')}`;
    throw invalid(`--upstream ${shown}: mtls serve ${why}.`, value);
  }
  if (url.username || url.password) throw invalid(`--upstream ${shown} carries credentials; the sidecar would not send them. Give the origin alone.`, value);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || /[?#]/.test(value)) {
    throw invalid(`--upstream ${shown} has a path, query or fragment; requests are forwarded with the path the client asked for. Give the origin alone (http://HOST:PORT).`, value);
  }
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  return { origin: url.origin, hostname, port: url.port ? Number(url.port) : 80, loopback: isLoopbackHost(hostname) };
}

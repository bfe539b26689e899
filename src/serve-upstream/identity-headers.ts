import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { ClientIdentity } from '../tls/serve/client-identity.js';
import { rfc2253Name } from './distinguished-name.js';
import { verifyResult } from './verify-result.js';

/**
 * The headers `mtls serve --upstream` gives the app, nginx's names first (as configured with
 * `proxy_set_header X-SSL-Client-S-DN $ssl_client_s_dn;` and friends), then Envoy's XFCC.
 */
export const IDENTITY_HEADERS = {
  verify: 'x-ssl-client-verify',
  subject: 'x-ssl-client-s-dn',
  issuer: 'x-ssl-client-i-dn',
  serial: 'x-ssl-client-serial',
  fingerprint: 'x-ssl-client-fingerprint',
  cert: 'x-ssl-client-cert',
  xfcc: 'x-forwarded-client-cert',
} as const;

/**
 * Whether a header a client sent claims to speak for the TLS layer, and so must never reach the
 * app. Compared case-insensitively with "_" read as "-": CGI, WSGI, PHP and Rack turn both
 * X-SSL-Client-S-DN and X_SSL_Client_S_DN into HTTP_X_SSL_CLIENT_S_DN, so a forged underscore
 * spelling would land in the very variable the app reads (nginx drops such names for the same
 * reason). The whole X-SSL-Client-* family goes (other proxies add -V-Start, -DN, …), and
 * RFC 9440's Client-Cert / Client-Cert-Chain, which an app may read instead.
 */
export function isIdentityHeader(name: string): boolean {
  const n = name.toLowerCase().replaceAll('_', '-');
  return n.startsWith('x-ssl-client') || n === 'x-forwarded-client-cert' || n === 'client-cert' || n === 'client-cert-chain';
}

/** Envoy's rule for an XFCC value: double-quoted when it holds , ; = or ", with " as \". */
function xfccValue(value: string): string {
  const ascii = value.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
  return /[,;="]/.test(ascii) ? `"${ascii.replaceAll('"', '\\"')}"` : ascii;
}

function sans(client: ClientIdentity, type: 'URI' | 'DNS'): string[] {
  const prefix = `${type}:`;
  return (client.certificate?.subjectAltNames ?? []).filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
}

/**
 * Envoy's x-forwarded-client-cert element as SANITIZE_SET with Subject, URI and DNS writes it:
 * By (the URI SANs of this server's certificate), Hash (SHA-256 of the client certificate's DER,
 * hex), Subject (RFC 2253, always quoted: its own escaping already turns " into \", which is
 * XFCC's rule too), URI (each URI SAN, or an empty URI= as Envoy writes), DNS (each DNS SAN).
 */
export function forwardedClientCert(client: ClientIdentity, subject: string, hash: string, serverUris: readonly string[]): string {
  const parts: string[] = [];
  for (const uri of serverUris) parts.push(`By=${xfccValue(uri)}`);
  parts.push(`Hash=${hash}`, `Subject="${subject}"`);
  const uris = sans(client, 'URI');
  if (uris.length === 0) parts.push('URI=');
  for (const uri of uris) parts.push(`URI=${xfccValue(uri)}`);
  for (const dns of sans(client, 'DNS')) parts.push(`DNS=${xfccValue(dns)}`);
  return parts.join(';');
}

/**
 * The identity headers for one connection. Only a verified certificate yields names: with
 * --optional, a client without one gets `X-SSL-Client-Verify: NONE` and a refused one
 * `FAILED:reason`, and nothing else, so an app that reads X-SSL-Client-S-DN (or XFCC) alone
 * can never be shown a name nobody checked.
 */
export function identityHeaders(socket: TLSSocket, client: ClientIdentity, serverUris: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = { [IDENTITY_HEADERS.verify]: verifyResult(client) };
  if (!client.verified) return headers;
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return { [IDENTITY_HEADERS.verify]: 'NONE' };
  const subject = rfc2253Name(x509.subject);
  const hash = createHash('sha256').update(x509.raw).digest('hex');
  headers[IDENTITY_HEADERS.subject] = subject;
  headers[IDENTITY_HEADERS.issuer] = rfc2253Name(x509.issuer);
  headers[IDENTITY_HEADERS.serial] = x509.serialNumber.toUpperCase();
  headers[IDENTITY_HEADERS.fingerprint] = hash;
  // nginx's $ssl_client_escaped_cert: the PEM, URL-encoded (newlines as %0A).
  headers[IDENTITY_HEADERS.cert] = encodeURIComponent(x509.toString());
  headers[IDENTITY_HEADERS.xfcc] = forwardedClientCert(client, subject, hash, serverUris);
  return headers;
}

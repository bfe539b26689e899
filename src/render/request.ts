import { isIP } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { ChalkInstance } from 'chalk';
import type { RequestResult } from '../tls/request.js';
import { escapeControls, escapeControlsDeep } from '../core/text/control-chars.js';
import { redactHeaderValue } from './redact-headers.js';

function ms(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(1)} ms`;
}

function yesNo(value: boolean | null, unknown: string): string {
  if (value === null) return `unknown (${unknown})`;
  return value ? 'yes' : 'no';
}

/** `-v`: what happened on the wire, for a person, on stderr. */
export function renderVerbose(given: RequestResult, style: ChalkInstance): string {
  // The response (and its body Buffer) is only counted here; everything else is escaped.
  const result = { ...escapeControlsDeep({ ...given, response: null }), response: given.response };
  const { tls, timings } = result;
  const lines: string[] = [];
  const line = (label: string, value: string) => lines.push(`${style.dim('*')} ${label.padEnd(22)} ${value}`);
  line('URL', result.url);
  if (tls.proxy) line('proxy', `CONNECT through ${tls.proxy}`);
  if (tls.address) line('address', tls.address);
  const servername = tls.servername ?? '';
  line('SNI', isIP(servername) ? `(none for an IP address; the certificate must list IP:${servername})` : servername);
  line('timings', `dns ${ms(timings.dnsMs)}, tcp ${ms(timings.tcpMs)}, tls ${ms(timings.tlsMs)}, first byte ${ms(timings.firstByteMs)}, total ${ms(timings.totalMs)}`);
  line('TLS', tls.version ? `${tls.version}, ${tls.cipher ?? '?'}, ALPN ${tls.alpn ?? '(none)'}` : 'handshake not completed');
  if (tls.serverChain.length > 0) {
    line('server chain', `${tls.serverChain.length} certificate(s), ${tls.serverChainSource}`);
    tls.serverChain.forEach((c, i) => {
      lines.push(`${style.dim('*')}   ${i}  subject ${c.subject}`);
      lines.push(`${style.dim('*')}      issuer  ${c.issuer}`);
      lines.push(`${style.dim('*')}      valid   ${c.notBefore} → ${c.notAfter}${c.selfSigned ? ' (self-signed)' : ''}`);
    });
  }
  if (tls.serverVerificationError) {
    line('server verified', tls.insecure ? style.red.bold(`NO (--insecure): ${tls.serverVerificationError}`) : style.red(`no: ${tls.serverVerificationError}`));
  } else if (tls.version) line('server verified', tls.insecure ? style.yellow('not checked (--insecure)') : 'yes');
  const client = tls.clientCertificate;
  line('client cert requested', yesNo(client.requested, client.requestUnknownReason ?? 'unknown'));
  if (client.acceptedCas) line('CAs accepted', client.acceptedCas.length > 0 ? client.acceptedCas.join('; ') : '(the server names none)');
  if (client.offered) {
    const sent = client.withheld ? 'not sent: the server failed verification' : client.requested === false ? 'not sent: the server did not ask' : client.requested ? 'sent' : 'sent if the server asked';
    line('client cert', `${client.offered.subject} (issuer ${client.offered.issuer}; ${sent})`);
  } else line('client cert', 'none given');
  if (result.response) line('HTTP', `${result.response.status}, ${result.response.body.length} bytes`);
  // As curl -v: what went out (`> `) and what came back (`< `), credentials and cookies redacted.
  if (tls.version) {
    lines.push(`> ${result.request.method} ${result.request.path} HTTP/1.1`);
    for (const [name, value] of result.request.headers) lines.push(`> ${name}: ${redactHeaderValue(name, value)}`);
    lines.push('>');
  }
  if (given.response) {
    lines.push(`< ${statusLine(given.response)}`);
    for (const [name, value] of headerLines(given.response.headers)) lines.push(`< ${name}: ${redactHeaderValue(name, value)}`);
    lines.push('<');
  }
  return `${lines.join('\n')}\n`;
}

type Response = NonNullable<RequestResult['response']>;

/** `HTTP/1.1 200 OK`: the reason phrase as sent, else the standard one (HTTP/2-style servers send none). */
export function statusLine(response: Response): string {
  const reason = escapeControls(response.statusText || STATUS_CODES[response.status] || '');
  return `HTTP/${response.httpVersion || '1.1'} ${response.status}${reason ? ` ${reason}` : ''}`;
}

/** Header pairs in order; values are text the server chose (obs-text arrives as latin-1: 0x9b is a C1 CSI). */
function headerLines(headers: Response['headers']): [string, string][] {
  return Object.entries(headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((one): [string, string] => [escapeControls(name), escapeControls(String(one))]));
}

/** `-i`: the status line and headers, as curl prints them. */
export function renderResponseHead(response: Response): string {
  const lines = [statusLine(response), ...headerLines(response.headers).map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Text bodies as text; anything that is not valid UTF-8 as base64. */
export function responseBodyForJson(body: Buffer): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  const text = body.toString('utf8');
  return Buffer.from(text, 'utf8').equals(body) ? { body: text, bodyEncoding: 'utf8' } : { body: body.toString('base64'), bodyEncoding: 'base64' };
}

import type { ChalkInstance } from 'chalk';
import type { ServeEvent } from '../tls/serve/index.js';
import type { ClientIdentity } from '../tls/serve/client-identity.js';
import { SCHEMA_VERSION, escapeBeyondJson } from './json.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/**
 * `mtls serve --json`: one JSON object per line per event (JSON Lines), so a script can follow a
 * running server; the single-document rule of --json cannot hold for a command that never ends.
 */
export function serveEventJsonLine(event: ServeEvent): string {
  return `${escapeBeyondJson(JSON.stringify({ schemaVersion: SCHEMA_VERSION, kind: 'serve-event', ...event }))}\n`;
}

function time(at: string): string {
  return at.slice(11, 19);
}

/** "CN=alice (spiffe://…)" or "no certificate". */
export function clientLabel(given: ClientIdentity): string {
  const client = escapeControlsDeep(given);
  if (!client.certificate) return 'no certificate';
  const { subject, spiffeId, subjectAltNames } = client.certificate;
  const spiffe = spiffeId ? ` (${spiffeId})` : '';
  // An empty subject is legal (RFC 5280 §4.1.2.6: the names are in the critical SAN).
  if (subject === '') return `an empty subject${spiffe || (subjectAltNames[0] ? ` (${subjectAltNames[0]})` : '')}`;
  return `"${subject}"${spiffe}`;
}

/** `127.0.0.1:54321`, `[::1]:54321`; never a bare `?`. */
function peer(event: { remoteAddress: string | null; remotePort?: number }): string {
  if (!event.remoteAddress) return 'an unknown address';
  const host = event.remoteAddress.includes(':') ? `[${event.remoteAddress}]` : event.remoteAddress;
  return event.remotePort ? `${host}:${event.remotePort}` : host;
}

/** The human log line(s) for one event, for stderr. */
export function renderServeEvent(given: ServeEvent, style: ChalkInstance): string {
  // A client chooses its certificate's subject and names: a hostile one must not reach the log raw.
  const event = escapeControlsDeep(given);
  const stamp = style.dim(time(event.at));
  switch (event.event) {
    case 'listening': {
      const lines = [
        `${stamp} listening on ${style.bold(event.url)} — client certificate ${event.clientAuth === 'required' ? 'required' : 'optional (requested, not required)'}`,
        `         server certificate "${event.serverCertificate.subject}", sha256 ${event.serverCertificate.fingerprintSha256}`,
        `         trusts clients issued by ${event.clientCas.map((s) => `"${s}"`).join(', ')}`,
      ];
      for (const warning of event.serverCertificate.warnings) lines.push(`         ${style.yellow('warning:')} ${warning}`);
      if (event.upstream) lines.push(`         forwarding to ${style.bold(event.upstream)} with the verified identity in X-SSL-Client-* and x-forwarded-client-cert (clients' own are removed)`);
      if (event.watching.length > 0) lines.push(`         watching ${event.watching.join(', ')} (and SIGHUP) to reload`);
      lines.push(style.dim('         Ctrl-C stops; requests in flight are finished first.'));
      return `${lines.join('\n')}\n`;
    }
    case 'request': {
      const c = event.client;
      const verdict = c.verified ? style.green('verified') : style.yellow(`NOT verified: ${c.notVerifiedBecause?.reason ?? 'unknown'}`);
      return `${stamp} ${event.status} ${event.method} ${event.path} from ${c.remoteAddress ?? '?'}: ${clientLabel(c)}, ${verdict} (${c.tls.version ?? '?'}, ${c.tls.cipher ?? '?'})\n`;
    }
    case 'upstream-failed':
      return `${stamp} ${style.red('502')} ${event.method} ${event.path} from ${event.client.remoteAddress ?? '?'}: ${event.reason} ${style.dim(`[${event.code}${event.detail ? `, ${event.detail}` : ''}]`)}\n`;
    case 'refused':
      return `${stamp} ${style.red('refused')} ${event.client.remoteAddress ?? '?'}: ${event.reason} ${style.dim(`[${event.code}${event.detail ? `, ${event.detail}` : ''}]`)}\n`;
    case 'handshake-failed':
      return `${stamp} ${style.yellow('handshake failed')} ${peer(event)}: ${event.reason} ${style.dim(`[${event.code}${event.detail ? `, ${event.detail}` : ''}]`)}\n`;
    case 'probe':
      return style.dim(`${time(event.at)} probe from ${peer(event)}: read the server's hello and hung up before sending a certificate (mtls request -v, inspect, doctor or openssl s_client)`) + '\n';
    case 'reloaded':
      return `${stamp} ${style.green('reloaded')} (${event.trigger}): server certificate "${event.serverCertificate.subject}", sha256 ${event.serverCertificate.fingerprintSha256}; trusts ${event.clientCas.map((s) => `"${s}"`).join(', ')}\n`;
    case 'reload-refused':
      return `${stamp} ${style.red('reload refused')} (${event.trigger}): ${event.diagnosis.summary} ${style.dim(`[${event.diagnosis.code}]`)}\n         the previous credentials keep serving.\n`;
    case 'closing':
      return `${stamp} stopping: no new connections; finishing requests in flight…\n`;
    case 'closed':
      return `${stamp} stopped.\n`;
  }
}

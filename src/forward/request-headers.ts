import type { IncomingMessage } from 'node:http';
import { endToEndRaw } from './hop-by-hop.js';
import type { ForwardOptions } from './types.js';

/**
 * Fields a proxy never passes on, beside the hop-by-hop ones: Host is the upstream's unless asked
 * otherwise, and Expect was answered by this server already (Node sends 100 Continue), so the
 * upstream gets the body straight away (undici refuses the field anyway).
 */
const REQUEST_ONLY = ['host', 'expect'];

/** The request's fields for the upstream, as a flat [name, value…] list (undici takes it as is). */
export function upstreamRequestHeaders(req: IncomingMessage, options: ForwardOptions): string[] {
  const drop = new Set([...REQUEST_ONLY, ...(options.dropRequestHeaders ?? []).map((name) => name.toLowerCase())]);
  const forwarded = options.xForwarded;
  if (forwarded && forwarded.chain !== 'append') for (const name of X_FORWARDED) drop.add(name);
  for (const name of Object.keys(options.setRequestHeaders ?? {})) drop.add(name.toLowerCase());
  const headers = endToEndRaw(req.rawHeaders, drop);
  if (options.host === 'client' && req.headers.host) headers.push('host', req.headers.host);
  if (forwarded) headers.push(...xForwardedFields(req, forwarded.proto, forwarded.chain === 'append'));
  if (options.via) headers.push('via', [req.headers.via, `${req.httpVersion} ${options.via}`].filter(Boolean).join(', '));
  for (const [name, value] of Object.entries(options.setRequestHeaders ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.push(name, one);
  }
  return headers;
}

const X_FORWARDED = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host'];

/**
 * X-Forwarded-For/-Proto/-Host (the de facto fields nginx and Envoy send). With `append`, a
 * client's X-Forwarded-For chain is extended (only right behind a proxy you trust); otherwise the
 * client's own values were dropped and this hop's replace them.
 */
function xForwardedFields(req: IncomingMessage, proto: string, append: boolean): string[] {
  const peer = req.socket.remoteAddress ?? '';
  const previous = append ? req.headers['x-forwarded-for'] : undefined;
  const chain = [previous, peer].filter(Boolean).join(', ');
  const fields = ['x-forwarded-for', chain];
  if (!append || !req.headers['x-forwarded-proto']) fields.push('x-forwarded-proto', proto);
  if ((!append || !req.headers['x-forwarded-host']) && req.headers.host) fields.push('x-forwarded-host', req.headers.host);
  return fields;
}

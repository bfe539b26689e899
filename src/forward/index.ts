/**
 * HTTP forwarding shared by `mtls bridge` (plain HTTP in, mTLS out) and `serve --upstream`
 * (mTLS in, plain HTTP out): hop-by-hop fields removed (RFC 9110 §7.6.1), bodies streamed both
 * ways with backpressure, upgrades piped. No printing, no CLI: callers log and answer failures.
 */
export { forwardHttp } from './http.js';
export { forwardUpgrade } from './upgrade.js';
export { HOP_BY_HOP, connectionListed, endToEndRaw } from './hop-by-hop.js';
export { upstreamPath } from './path.js';
export { upstreamRequestHeaders } from './request-headers.js';
export type { ForwardOptions, ForwardOutcome, RefusalCheck } from './types.js';

import type { StoreContext, TrustStoreStep } from './types.js';

/**
 * Node.js does not read the system store: it trusts its bundled Mozilla roots, plus the file in
 * NODE_EXTRA_CA_CERTS (read once, at start), or the system store with --use-system-ca (Node 23.8,
 * 22.15 and later). Environment variables of other shells cannot be set from here, so this is
 * advice, said every time, never a silent change.
 */
export function nodeAdvice(ctx: StoreContext): TrustStoreStep {
  const current = ctx.env.NODE_EXTRA_CA_CERTS;
  const detail =
    ctx.mode === 'install'
      ? current === ctx.ca.path
        ? `NODE_EXTRA_CA_CERTS already names ${ctx.ca.path}`
        : `Node.js ignores the system store: export NODE_EXTRA_CA_CERTS=${ctx.ca.path}${current ? ` (it names ${current} now: one file only, so concatenate them)` : ''}, or run node --use-system-ca (Node 22.15+, 23.8+)`
      : current === ctx.ca.path
        ? `NODE_EXTRA_CA_CERTS still names ${ctx.ca.path}: unset NODE_EXTRA_CA_CERTS`
        : 'NODE_EXTRA_CA_CERTS does not name this CA; remove it from any profile or service file that sets it';
  return { store: 'node', location: 'Node.js (NODE_EXTRA_CA_CERTS)', status: 'advice', detail, commands: [], files: [] };
}

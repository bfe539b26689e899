import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fetch } from 'undici';
import { createMtlsAgent, MtlsError } from '../../src/index.js';
import { BAD_PEER_KINDS, startBadPeer, type BadPeerKind } from '../helpers/bad-peers.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
const LIMIT_MS = 1500;
/** A hang guard, not a speed claim: the limits above, plus a probe's and the machine's slack. */
const GUARD_MS = 4 * LIMIT_MS + 3000;

const unhandled: unknown[] = [];
const collect = (reason: unknown) => unhandled.push(reason);
process.on('unhandledRejection', collect);
after(() => process.off('unhandledRejection', collect));

/** What each broken peer must come to; the peer that streams a body forever is bounded by the caller's signal. */
const EXPECTED: Record<BadPeerKind, RegExp> = {
  refuse: /^MTLS_CONNECTION_REFUSED$/,
  silent: /^MTLS_CONNECT_TIMEOUT$/,
  'close-at-once': /^MTLS_PEER_CLOSED_HANDSHAKE$/,
  garbage: /^MTLS_PLAIN_HTTP$/,
  'stall-mid-handshake': /^MTLS_CONNECT_TIMEOUT$/,
  'huge-chain': /^MTLS_SERVER_CHAIN_TOO_LARGE$/,
  'long-chain': /^MTLS_(SERVER_CERT_UNTRUSTED|SERVER_CERT_INVALID|TLS_HANDSHAKE_FAILED)$/,
  'endless-chain': /^MTLS_SERVER_CHAIN_TOO_LARGE$/,
  'dribble-chain': /^MTLS_CONNECT_TIMEOUT$/,
  'plain-http': /^MTLS_PLAIN_HTTP$/,
  'tls-no-response': /^MTLS_REQUEST_TIMEOUT$/,
  'endless-header': /^MTLS_(REQUEST_FAILED|REQUEST_TIMEOUT)$/,
  'endless-body': /^AbortError$|^TimeoutError$/,
};

// Started here, not inside a test: the peers' files must outlive each test's own cleanup.
const peers = new Map(await Promise.all(BAD_PEER_KINDS.map(async (kind) => [kind, await startBadPeer(kind)] as const)));

for (const kind of BAD_PEER_KINDS) {
  test(`library against a peer that is ${kind}: a diagnosis within its limits`, async () => {
    const peer = peers.get(kind)!;
    const agent = createMtlsAgent({
      cert: pki.goodClient.cert,
      key: pki.goodClient.key,
      ...(peer.caFile ? { ca: peer.caFile } : { ca: pki.rootCa }),
      connectTimeout: LIMIT_MS,
      headersTimeout: LIMIT_MS,
      bodyTimeout: LIMIT_MS,
    });
    const started = performance.now();
    let outcome: string;
    try {
      const response = await fetch(peer.url, { dispatcher: agent, signal: AbortSignal.timeout(2 * LIMIT_MS) });
      await response.arrayBuffer();
      outcome = `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: unknown }).cause;
      outcome = cause instanceof MtlsError ? cause.code : (error as Error).name;
      if (cause instanceof MtlsError) assert.ok(cause.fixes.length > 0 || cause.causes, `${cause.code} comes with fixes or causes`);
    }
    const elapsed = performance.now() - started;
    await agent.destroy();
    await peer.stop();
    assert.match(outcome, EXPECTED[kind], `${kind} ended as ${outcome}`);
    assert.ok(elapsed < GUARD_MS, `${kind} took ${Math.round(elapsed)} ms`);
    assert.deepEqual(unhandled, []);
  });
}

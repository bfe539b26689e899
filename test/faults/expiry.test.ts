import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BAD_PEER_KINDS, startBadPeer, type BadPeer, type BadPeerKind } from '../helpers/bad-peers.js';
import { assertEndedCleanly, jsonOf, timedInProcess, timedProcess, unhandledRejections } from './fault-run.js';

/**
 * `mtls expiry` and `mtls inspect` of live endpoints that are broken peers: an endpoint that
 * cannot be read is a finding with its reason (MTLS_ENDPOINT_UNREACHABLE, exit 1) within
 * --connect-timeout; one that completes a handshake is read, whatever it does afterwards. One
 * dead endpoint never stops a scan of many.
 */
const TIMEOUT_S = 1;
const LIMIT_MS = TIMEOUT_S * 1000;

const peers = new Map<BadPeerKind, BadPeer>(await Promise.all(BAD_PEER_KINDS.map(async (kind) => [kind, await startBadPeer(kind)] as const)));
const endpoint = (kind: BadPeerKind) => `127.0.0.1:${(peers.get(kind) as BadPeer).port}`;

/** Why an endpoint cannot be read; or, for one that completes a handshake, how many certificates it shows. */
const EXPECTED: Record<BadPeerKind, RegExp | { certificates: number }> = {
  refuse: /connection refused/,
  silent: /no TLS handshake within 1 s/,
  'close-at-once': /closed the connection during the handshake/,
  garbage: /does not speak TLS/,
  'stall-mid-handshake': /no TLS handshake within 1 s/,
  'huge-chain': /certificate list larger than TLS clients accept/,
  'long-chain': { certificates: 201 },
  'endless-chain': /certificate list larger than TLS clients accept/,
  'dribble-chain': /no TLS handshake within 1 s/,
  'plain-http': /does not speak TLS/,
  'tls-no-response': { certificates: 1 },
  'endless-header': { certificates: 1 },
  'endless-body': { certificates: 1 },
};
const unreachableKinds = BAD_PEER_KINDS.filter((kind) => EXPECTED[kind] instanceof RegExp);

interface InspectDocument {
  kind: 'inspect' | 'error';
  sources?: { certificates: unknown[] }[];
  error?: { code: string; summary: string };
}

interface ExpiryDocument {
  rows: { source: string }[];
  unreachable: { endpoint: string; code: string; reason: string }[];
}

describe('mtls inspect HOST:PORT of broken peers (in process)', { concurrency: true }, () => {
  for (const kind of BAD_PEER_KINDS) {
    const expected = EXPECTED[kind];
    it(`${kind} → ${expected instanceof RegExp ? `MTLS_ENDPOINT_UNREACHABLE (${expected.source})` : `${expected.certificates} certificate(s)`}`, async () => {
      const run = await timedInProcess(['inspect', endpoint(kind), '--json', '--connect-timeout', String(TIMEOUT_S)]);
      assertEndedCleanly(run, LIMIT_MS, expected instanceof RegExp ? 1 : 0);
      const document = jsonOf<InspectDocument>(run);
      if (expected instanceof RegExp) {
        assert.equal(document.error?.code, 'MTLS_ENDPOINT_UNREACHABLE');
        assert.match(document.error?.summary ?? '', expected);
      } else {
        assert.equal(document.sources?.[0]?.certificates.length, expected.certificates);
      }
    });
  }
});

describe('mtls expiry of every broken peer in one scan', { concurrency: true }, () => {
  const targets = BAD_PEER_KINDS.map(endpoint);

  function assertScan(document: ExpiryDocument): void {
    const unreachable = new Map(document.unreachable.map((u) => [u.endpoint, u]));
    for (const kind of BAD_PEER_KINDS) {
      const expected = EXPECTED[kind];
      if (expected instanceof RegExp) {
        assert.equal(unreachable.get(endpoint(kind))?.code, 'MTLS_ENDPOINT_UNREACHABLE', kind);
        assert.match(unreachable.get(endpoint(kind))?.reason ?? '', expected, kind);
      } else {
        assert.equal(document.rows.filter((row) => row.source === endpoint(kind)).length, expected.certificates, kind);
      }
    }
    assert.equal(document.unreachable.length, unreachableKinds.length);
  }

  it('in process: every endpoint is a row or a reason, exit 1', async () => {
    const run = await timedInProcess(['expiry', ...targets, '--json', '--connect-timeout', String(TIMEOUT_S)]);
    assertEndedCleanly(run, LIMIT_MS);
    assertScan(jsonOf<ExpiryDocument>(run));
  });

  it('as a process, one endpoint at a time: bounded by the timeouts added up, and the process exits', async () => {
    const run = await timedProcess(['expiry', ...targets, '--json', '--connect-timeout', String(TIMEOUT_S), '--concurrency', '1'], unreachableKinds.length * LIMIT_MS);
    assertEndedCleanly(run, unreachableKinds.length * LIMIT_MS);
    assertScan(jsonOf<ExpiryDocument>(run));
  });

  it('inspect as a process of a peer that dribbles a chain forever: exits after --connect-timeout', async () => {
    const run = await timedProcess(['inspect', endpoint('dribble-chain'), '--connect-timeout', String(TIMEOUT_S)], LIMIT_MS);
    assertEndedCleanly(run, LIMIT_MS);
    assert.match(run.stderr, /MTLS_ENDPOINT_UNREACHABLE[\s\S]*no TLS handshake within 1 s/);
  });
});

after(() => assert.deepEqual(unhandledRejections, []));

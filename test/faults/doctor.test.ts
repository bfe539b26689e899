import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BAD_PEER_KINDS, startBadPeer, type BadPeer, type BadPeerKind } from '../helpers/bad-peers.js';
import { tempDir } from '../helpers/tmp.js';
import { makeRequestPki } from '../net/request-pki.js';
import { assertEndedCleanly, jsonOf, timedInProcess, timedProcess, unhandledRejections, type TimedRun } from './fault-run.js';

/**
 * `mtls doctor URL` against every kind of broken peer: the first failing check names the fault
 * with the right code (exit 1), within its --timeout per step, without a stack trace or an
 * unhandled rejection. A server whose only fault is a body that never ends passes: the doctor
 * reads the status and the start of the body, then hangs up.
 */
const TIMEOUT_S = 1;
/** Steps run in turn, each bounded by --timeout (the requests by twice that): a generous whole. */
const LIMIT_MS = 8 * TIMEOUT_S * 1000;

const pki = makeRequestPki();
const peers = new Map<BadPeerKind, BadPeer>(await Promise.all(BAD_PEER_KINDS.map(async (kind) => [kind, await startBadPeer(kind)] as const)));
const peer = (kind: BadPeerKind) => peers.get(kind) as BadPeer;

/** The code of the check to fix first; null when the doctor finds nothing wrong. */
const EXPECTED: Record<BadPeerKind, string | null> = {
  refuse: 'MTLS_CONNECTION_REFUSED',
  silent: 'MTLS_CONNECT_TIMEOUT',
  'close-at-once': 'MTLS_PEER_CLOSED_HANDSHAKE',
  garbage: 'MTLS_PLAIN_HTTP',
  'stall-mid-handshake': 'MTLS_CONNECT_TIMEOUT',
  'huge-chain': 'MTLS_SERVER_CHAIN_TOO_LARGE',
  // 201 certificates: path building stops at its depth bound (16 intermediates) and says so.
  'long-chain': 'MTLS_CHAIN_TOO_DEEP',
  'endless-chain': 'MTLS_SERVER_CHAIN_TOO_LARGE',
  'dribble-chain': 'MTLS_CONNECT_TIMEOUT',
  'plain-http': 'MTLS_PLAIN_HTTP',
  'tls-no-response': 'MTLS_REQUEST_TIMEOUT',
  'endless-header': 'MTLS_REQUEST_FAILED',
  'endless-body': null,
};

interface DoctorDocument {
  ok: boolean;
  fixFirst: { id: string; code?: string; summary: string } | null;
}

function doctorArgs(target: BadPeer, extra: string[] = []): string[] {
  return ['doctor', target.url, '--json', '--timeout', String(TIMEOUT_S), ...(target.caFile ? ['--cacert', target.caFile] : []), ...extra];
}

function assertVerdict(run: TimedRun, expected: string | null): DoctorDocument {
  assertEndedCleanly(run, LIMIT_MS, expected === null ? 0 : 1);
  const document = jsonOf<DoctorDocument>(run);
  assert.equal(document.fixFirst?.code ?? null, expected, JSON.stringify(document.fixFirst));
  assert.doesNotMatch(document.fixFirst?.summary ?? '', /SSL routines|\.c:\d+/, 'no raw OpenSSL error line');
  return document;
}

describe('mtls doctor against broken peers (in process)', { concurrency: true }, () => {
  for (const kind of BAD_PEER_KINDS) {
    it(`${kind} → ${EXPECTED[kind] ?? 'no failure'}`, async () => {
      assertVerdict(await timedInProcess(doctorArgs(peer(kind))), EXPECTED[kind]);
    });
  }

  it('with a client certificate too (two requests), a peer that never answers the request → MTLS_REQUEST_TIMEOUT', async () => {
    const target = peer('tls-no-response');
    // One CA file for both sides: the peer's CA (to verify it) and the client certificate's (for the local chain check).
    const bothCas = join(tempDir(), 'both.crt');
    writeFileSync(bothCas, readFileSync(target.caFile as string, 'utf8') + readFileSync(pki.rootCa, 'utf8'));
    const args = ['doctor', target.url, '--json', '--timeout', String(TIMEOUT_S), '--cacert', bothCas, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key];
    assertVerdict(await timedInProcess(args), 'MTLS_REQUEST_TIMEOUT');
  });

  it('flooding peers: an endless certificate list and an endless body, sent as fast as they are read, stay bounded', async () => {
    const [chain, body] = await Promise.all([startBadPeer('endless-chain', { pace: 'flood' }), startBadPeer('endless-body', { pace: 'flood' })]);
    const before = process.memoryUsage().rss;
    const [chainRun, bodyRun] = await Promise.all([timedInProcess(doctorArgs(chain)), timedInProcess(doctorArgs(body))]);
    assertVerdict(chainRun, 'MTLS_SERVER_CHAIN_TOO_LARGE');
    assertVerdict(bodyRun, null);
    const grownMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    assert.ok(grownMb < 200, `this process grew by ${Math.round(grownMb)} MB`);
    await Promise.all([chain.stop(), body.stop()]);
  });
});

describe('mtls doctor against broken peers (real processes: no hang at exit)', { concurrency: true }, () => {
  for (const kind of ['silent', 'dribble-chain', 'tls-no-response'] as const) {
    it(`${kind} → ${EXPECTED[kind]}, and the process exits`, async () => {
      assertVerdict(await timedProcess(doctorArgs(peer(kind)), LIMIT_MS), EXPECTED[kind]);
    });
  }
});

after(() => assert.deepEqual(unhandledRejections, []));

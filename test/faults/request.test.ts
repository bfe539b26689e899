import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { BAD_PEER_KINDS, startBadPeer, type BadPeer, type BadPeerKind } from '../helpers/bad-peers.js';
import { assertEndedCleanly, jsonOf, runMeasuringMemory, timedInProcess, timedProcess, unhandledRejections } from './fault-run.js';

/**
 * `mtls request` against every kind of broken peer: each ends in the right diagnosis (exit 1)
 * within its time limit, without a stack trace, an unhandled rejection, or a process that
 * lingers after printing its diagnosis.
 */
const MAX_TIME_S = 2;
const CONNECT_TIMEOUT_S = 1;

const peers = new Map<BadPeerKind, BadPeer>(await Promise.all(BAD_PEER_KINDS.map(async (kind) => [kind, await startBadPeer(kind)] as const)));
const peer = (kind: BadPeerKind) => peers.get(kind) as BadPeer;

/** --max-time alone bounds everything; TLS peers are verified against their own CA, so the fault is what remains. */
const WITH_MAX_TIME: Record<BadPeerKind, string> = {
  refuse: 'MTLS_CONNECTION_REFUSED',
  silent: 'MTLS_REQUEST_TIMEOUT',
  'close-at-once': 'MTLS_PEER_CLOSED_HANDSHAKE',
  garbage: 'MTLS_PLAIN_HTTP',
  'stall-mid-handshake': 'MTLS_REQUEST_TIMEOUT',
  'huge-chain': 'MTLS_SERVER_CHAIN_TOO_LARGE',
  'long-chain': 'MTLS_SERVER_CERT_INVALID',
  'endless-chain': 'MTLS_SERVER_CHAIN_TOO_LARGE',
  'dribble-chain': 'MTLS_REQUEST_TIMEOUT',
  'plain-http': 'MTLS_PLAIN_HTTP',
  'tls-no-response': 'MTLS_REQUEST_TIMEOUT',
  'endless-header': 'MTLS_REQUEST_FAILED',
  'endless-body': 'MTLS_REQUEST_TIMEOUT',
};

function requestArgs(target: BadPeer, limits: string[]): string[] {
  return ['request', target.url, '--json', ...limits, ...(target.caFile ? ['--cacert', target.caFile] : [])];
}

interface RequestDocument {
  diagnosis: { code: string; summary: string } | null;
  tls: { serverChain: unknown[] };
}

describe('mtls request against broken peers (in process)', { concurrency: true }, () => {
  for (const kind of BAD_PEER_KINDS) {
    it(`${kind}, --max-time ${MAX_TIME_S} → ${WITH_MAX_TIME[kind]}`, async () => {
      const run = await timedInProcess(requestArgs(peer(kind), ['--max-time', String(MAX_TIME_S)]));
      assertEndedCleanly(run, MAX_TIME_S * 1000);
      const document = jsonOf<RequestDocument>(run);
      assert.equal(document.diagnosis?.code, WITH_MAX_TIME[kind], run.stderr);
      assert.doesNotMatch(document.diagnosis?.summary ?? '', /SSL routines|\.c:\d+/, 'no raw OpenSSL error line');
    });
  }

  for (const kind of ['silent', 'stall-mid-handshake', 'dribble-chain'] as const) {
    it(`${kind}, --connect-timeout ${CONNECT_TIMEOUT_S} → MTLS_CONNECT_TIMEOUT`, async () => {
      const run = await timedInProcess(requestArgs(peer(kind), ['--connect-timeout', String(CONNECT_TIMEOUT_S)]));
      assertEndedCleanly(run, CONNECT_TIMEOUT_S * 1000);
      assert.equal(jsonOf<RequestDocument>(run).diagnosis?.code, 'MTLS_CONNECT_TIMEOUT', run.stderr);
    });
  }

  it('a chain of 200 intermediates that completes is shown whole and judged (pathLen exceeded), not a crash', async () => {
    const run = await timedInProcess(requestArgs(peer('long-chain'), ['--max-time', String(MAX_TIME_S)]));
    const document = jsonOf<RequestDocument>(run);
    // 201 sent, and the root from --cacert that Node appends.
    assert.equal(document.tls.serverChain.length, 202);
    assert.match(document.diagnosis?.summary ?? '', /PATH_LENGTH_EXCEEDED/);
  });

  it('a huge chain names the size, not OpenSSL internals', async () => {
    const run = await timedInProcess(requestArgs(peer('huge-chain'), []));
    assert.match(run.stderr, /larger than this client accepts/);
  });
});

describe('mtls request against broken peers (real processes: no hang at exit)', { concurrency: true }, () => {
  const cases: [BadPeerKind, string[], string][] = [
    ['silent', ['--max-time', String(MAX_TIME_S)], 'MTLS_REQUEST_TIMEOUT'],
    ['stall-mid-handshake', ['--connect-timeout', String(CONNECT_TIMEOUT_S)], 'MTLS_CONNECT_TIMEOUT'],
    ['endless-chain', ['--max-time', String(MAX_TIME_S)], 'MTLS_SERVER_CHAIN_TOO_LARGE'],
    ['dribble-chain', ['--max-time', String(MAX_TIME_S)], 'MTLS_REQUEST_TIMEOUT'],
    ['tls-no-response', ['--max-time', String(MAX_TIME_S)], 'MTLS_REQUEST_TIMEOUT'],
    ['endless-header', ['--max-time', String(MAX_TIME_S)], 'MTLS_REQUEST_FAILED'],
  ];
  for (const [kind, limits, code] of cases) {
    it(`${kind} ${limits.join(' ')} → ${code}, and the process exits`, async () => {
      const run = await timedProcess(requestArgs(peer(kind), limits), Number(limits[1]) * 1000);
      assertEndedCleanly(run, Number(limits[1]) * 1000);
      assert.equal(jsonOf<RequestDocument>(run).diagnosis?.code, code, run.stderr);
    });
  }

  it('a body that never ends, sent as fast as it is read: stopped at the body limit with bounded memory', async (t) => {
    const flood = await startBadPeer('endless-body', { pace: 'flood' });
    const run = await runMeasuringMemory(requestArgs(flood, ['--max-time', '30']), 30_000);
    assertEndedCleanly(run, 30_000);
    assert.equal(jsonOf<RequestDocument>(run).diagnosis?.code, 'MTLS_RESPONSE_TOO_LARGE', run.stderr);
    // The body limit is 100 MiB; the process holds it about twice while joining the pieces.
    t.diagnostic(`peak RSS ${Math.round(run.peakRssMb)} MB after ${Math.round(run.elapsedMs)} ms`);
    assert.ok(run.peakRssMb < 450, `peak RSS ${Math.round(run.peakRssMb)} MB`);
    await flood.stop();
  });
});

after(() => assert.deepEqual(unhandledRejections, []));

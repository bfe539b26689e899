import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { probeServer, type ProbeResult } from '../../src/tls/probe/index.js';
import { makeScenarioPki } from '../helpers/stacks/pki.js';
import { STACK_KINDS, skipReason, type RunningStack, type StackKind } from '../helpers/stacks/index.js';
import { SCENARIOS, type Scenario } from './expected.js';
import { cellsFor, failureTable, pool, runCell, score, startMatrixStack, wireTable, type CellResult } from './matrix-runner.js';

/**
 * The stack matrix of issue 14: real server stacks × scenarios × TLS 1.2 and 1.3, each cell
 * judged against the TRUE cause in test/stacks/expected.ts (request, doctor and the library on
 * every stack). Every stack starts once, with one listener per server-side
 * configuration; the cells run four at a time. Subsets for work on the engine:
 *   MTLS_STACKS=nginx,go MTLS_SCENARIOS=expired,no-cert node scripts/run-tests.mjs stacks/matrix
 * `npm run stacks` runs this file and prints the share right and the table of how each stack
 * reports a refusal (MTLS_STACK_MATRIX_OUT is where this file leaves its observations for it).
 */
const pick = <T extends string>(env: string | undefined, all: readonly T[]): T[] => (env ? all.filter((x) => env.split(',').includes(x)) : [...all]);
const kinds = pick<StackKind>(process.env.MTLS_STACKS, STACK_KINDS);
const scenarios = pick<Scenario>(process.env.MTLS_SCENARIOS, SCENARIOS);

const pki = await makeScenarioPki();
const skipped: Partial<Record<StackKind, string>> = {};
const started: Partial<Record<StackKind, Promise<RunningStack>>> = {};
const startFailures: Partial<Record<StackKind, Error>> = {};
for (const kind of kinds) {
  let reason: string | null;
  try {
    reason = skipReason(kind);
  } catch (error) {
    startFailures[kind] = error as Error; // CI: a stack that cannot run fails its test
    continue;
  }
  if (reason) skipped[kind] = reason;
  // Started at the top level, all at once: their cleanup (after) belongs to the file.
  else started[kind] = startMatrixStack(kind, pki, scenarios);
}
const stacks: RunningStack[] = [];
for (const [kind, promise] of Object.entries(started) as [StackKind, Promise<RunningStack>][]) {
  try {
    stacks.push(await promise);
  } catch (error) {
    startFailures[kind] = error as Error;
  }
}

const began = Date.now();
const cells = stacks.flatMap((stack) => cellsFor(stack, pki, scenarios));
const results: CellResult[] = await pool(cells, Number(process.env.MTLS_STACK_POOL ?? 4), (cell) => runCell(cell, pki));
const elapsed = Date.now() - began;
// The TLS 1.2 probe (the CertificateRequest's CA list) on every stack's TLS 1.2 listener (issue 14 case 7).
const probes: Partial<Record<StackKind, ProbeResult>> = {};
for (const stack of stacks) {
  const port = stack.ports['require-good-1.2'];
  if (port) probes[stack.kind] = await probeServer({ host: '127.0.0.1', port, timeoutMs: 20_000 });
}
if (process.env.MTLS_STACK_LOGS === '1') for (const s of stacks) console.log(`--- ${s.kind} log\n${s.log().slice(-6000)}`);
await Promise.all(stacks.map((s) => s.stop()));

if (process.env.MTLS_STACK_MATRIX_OUT) {
  writeFileSync(process.env.MTLS_STACK_MATRIX_OUT, JSON.stringify({ results, skipped, startFailures: Object.fromEntries(Object.entries(startFailures).map(([k, e]) => [k, e.message])), cellsMs: elapsed }));
}
console.log(`stack matrix: ${score(results)}; ${cells.length} cells in ${(elapsed / 1000).toFixed(1)} s`);
console.log(wireTable(results));

/** Stacks that send no CA names in their CertificateRequest (an empty list is their honest answer). */
// Python's ssl never sets a client CA list; lighttpd's mod_gnutls and mod_wolfssl send an empty one (with ssl.ca-dn-file set, mod_gnutls stopped answering in a trial run).
const NAMES_NO_CAS: StackKind[] = ['python', 'lighttpd-gnutls', 'lighttpd-wolfssl'];
const rootName = new X509Certificate(readFileSync(pki.rootCa)).subject.split('\n').reverse().join(', ');

describe('the TLS 1.2 probe reads the certificate request of every stack', () => {
  for (const kind of kinds) {
    it(kind, { skip: skipped[kind] ?? (kind in probes || startFailures[kind] ? false : 'no TLS 1.2 listener') }, () => {
      const failure = startFailures[kind];
      if (failure) throw failure;
      const probe = probes[kind];
      assert.ok(probe);
      // Before the fix wolfSSL answered handshake_failure ("-388 Invalid Renegotiation"): the hello sent the SCSV and the extension.
      assert.equal(probe.outcome, 'tls12', `${kind}: ${probe.reason ?? ''} ${probe.alert?.name ?? ''}`);
      assert.equal(probe.certificateRequested, true);
      if (NAMES_NO_CAS.includes(kind)) assert.deepEqual(probe.acceptedCas, []);
      else assert.ok(probe.acceptedCas?.some((dn) => dn.includes('matrix root CA')), `${kind} names ${JSON.stringify(probe.acceptedCas)}, expected ${rootName}`);
    });
  }
});

describe('stack matrix: the true cause on every server stack', () => {
  for (const kind of kinds) {
    it(kind, { skip: skipped[kind] ?? false }, () => {
      const failure = startFailures[kind];
      if (failure) throw failure;
      const mine = results.filter((r) => r.stack === kind);
      assert.ok(mine.length > 0, `no cells ran on ${kind}`);
      const wrong = mine.filter((r) => !r.right);
      assert.equal(wrong.length, 0, `${wrong.length} of ${mine.length} cells wrong on ${kind}:\n${failureTable(wrong)}`);
    });
  }
});

/**
 * The x509-limbo regression check (run by limbo-regression-*.test.ts, two shards so the two CI
 * cores share it): every case through the same core function `chain verify` calls, compared with
 * test/limbo/baseline.json (mtls's verdicts when it was last updated with `npm run limbo --
 * --update-baseline`). A case that was right there and is wrong now fails the test; so does an
 * internal error or a case taking over 2 s of CPU (the bound, measured as CPU time so a
 * loaded machine does not fail it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { limboPath, loadLimbo, runLimboCase } from '../../scripts/limbo/cases.js';

const baseline = (JSON.parse(readFileSync(new URL('./baseline.json', import.meta.url), 'utf8')) as { results: Record<string, 'pass' | 'fail' | 'error'> }).results;

export function limboShard(shard: number, of: number): void {
  const path = limboPath();
  test(`x509-limbo shard ${shard + 1}/${of}: no case right in the baseline turns wrong`, { skip: path ? false : 'the limbo suite is not here (set LIMBO_DIR, or ../shared/data/x509-limbo)' }, () => {
    const cases = loadLimbo(path as string).filter((_, i) => i % of === shard);
    const regressions: string[] = [];
    const errors: string[] = [];
    const slow: string[] = [];
    let right = 0;
    for (const k of cases) {
      const cpu = process.cpuUsage();
      const outcome = runLimboCase(k);
      const used = process.cpuUsage(cpu);
      const ms = (used.user + used.system) / 1000;
      if (ms > 2000) slow.push(`${k.id} (${ms.toFixed(0)} ms CPU)`);
      if (outcome.actual === 'error') errors.push(`${k.id}: ${outcome.detail}`);
      const expected = k.expected_result === 'SUCCESS' ? 'pass' : 'fail';
      if (outcome.actual === expected) right += 1;
      else if (baseline[k.id] === expected) regressions.push(`${k.id}: expected ${expected}, now ${outcome.actual}: ${outcome.detail}`);
    }
    assert.deepEqual(errors, [], 'no case ends in an internal error');
    assert.deepEqual(regressions, [], 'cases right in test/limbo/baseline.json stay right');
    assert.deepEqual(slow, [], 'no case takes over 2 s of CPU');
    assert.ok(right > 0);
  });
}

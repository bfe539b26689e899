import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toJsonDocument } from '../../src/render/json.js';

test('toJsonDocument: BigInt as a string, Date as ISO 8601, on the fast path and the replacer path alike', () => {
  const at = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
  assert.equal(toJsonDocument('t', { at, n: 1 }), `${JSON.stringify({ schemaVersion: 1, kind: 't', at: at.toISOString(), n: 1 }, null, 2)}\n`);
  assert.equal(toJsonDocument('t', { at, serial: 12345678901234567890n }), `${JSON.stringify({ schemaVersion: 1, kind: 't', at: at.toISOString(), serial: '12345678901234567890' }, null, 2)}\n`);
});

test('toJsonDocument still refuses what JSON cannot hold (a cycle)', () => {
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  assert.throws(() => toJsonDocument('t', cycle), TypeError);
});

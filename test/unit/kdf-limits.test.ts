import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MtlsError } from '../../src/core/errors.js';
import { decodeCredential } from '../../src/core/load/index.js';
import { KdfBudget, MAX_PBKDF2_ITERATIONS } from '../../src/core/pkcs12/budget.js';
import { ROOT } from '../helpers/cli.js';

/** Iteration caps are checked before any derivation runs: refusing costs nothing. */
const FIXTURES = join(ROOT, 'fixtures/credentials');

const codeOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error instanceof MtlsError ? error.code : `not an MtlsError: ${String(error)}`;
  }
  return 'no error';
};

test('a file\'s key-derivation budget adds up every derivation: many parts cannot multiply a per-derivation cap', () => {
  const budget = new KdfBudget();
  for (let i = 0; i < 4; i++) budget.spend('pkcs12', 2_000_000, 'contents');
  assert.equal(codeOf(() => budget.spend('pkcs12', 1, 'contents')), 'MTLS_P12_ITERATIONS_TOO_HIGH');
  // The two KDFs are counted apart (PBKDF2 is native and several times cheaper per round).
  assert.equal(codeOf(() => budget.spend('pbkdf2', 10_000_000, 'contents')), 'no error');
});

test('an encrypted PKCS#8 key asking for 50 million PBKDF2 iterations is refused before OpenSSL runs them', () => {
  const der = readFileSync(join(FIXTURES, 'client-key-pkcs8-encrypted.der'));
  // The fixture's iteration count, INTEGER 2048 (02 02 08 00) at byte 43, becomes 0x03000000
  // (02 04 03 00 00 00): two bytes longer, so each enclosing length grows by two.
  assert.deepEqual([...der.subarray(43, 47)], [0x02, 0x02, 0x08, 0x00]);
  const patched = Buffer.concat([der.subarray(0, 43), Buffer.from([0x02, 0x04, 0x03, 0x00, 0x00, 0x00]), der.subarray(47)]);
  patched[2] = (patched[2] as number) + 2; // outer SEQUENCE (30 81 len)
  for (const at of [4, 17, 19, 32]) patched[at] = (patched[at] as number) + 2; // algorithm, PBES2 params, KDF id, PBKDF2 params
  assert.ok(50_331_648 > MAX_PBKDF2_ITERATIONS);
  const started = performance.now();
  const code = codeOf(() => decodeCredential({ bytes: patched, origin: 'patched.der', fromBase64: false }, { passphrase: { origin: 'test', value: 'fixture-pass' } }));
  assert.equal(code, 'MTLS_KEY_ITERATIONS_TOO_HIGH');
  assert.ok(performance.now() - started < 5_000, 'refused without deriving');
  // The original still opens: the check reads the count, nothing else.
  const original = decodeCredential({ bytes: der, origin: 'key.der', fromBase64: false }, { passphrase: { origin: 'test', value: 'fixture-pass' } });
  assert.equal(original.keys.length, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSan } from '../../src/core/pki/san.js';
import { randomSerial } from '../../src/core/pki/serial.js';
import { resolveValidity } from '../../src/core/pki/validity.js';
import { MtlsError } from '../../src/core/errors.js';

test('--san values: prefixed, or bare and classified', () => {
  const cases: [string, string, string][] = [
    ['DNS:api.local', 'DNS', 'api.local'],
    ['IP:10.0.0.5', 'IP', '10.0.0.5'],
    ['URI:spiffe://example.org/ns/prod/sa/api', 'URI', 'spiffe://example.org/ns/prod/sa/api'],
    ['email:alice@example.org', 'email', 'alice@example.org'],
    ['127.0.0.1', 'IP', '127.0.0.1'],
    ['::1', 'IP', '::1'],
    ['fe80::1', 'IP', 'fe80::1'],
    ['spiffe://example.org/x', 'URI', 'spiffe://example.org/x'],
    ['bob@example.org', 'email', 'bob@example.org'],
    ['*.Example.COM', 'DNS', '*.example.com'],
    ['localhost', 'DNS', 'localhost'],
  ];
  for (const [raw, type, value] of cases) assert.deepEqual(parseSan(raw), { type, value }, raw);
  for (const bad of ['IP:300.1.1.1', 'exa mple.com', 'DNS:-bad-.com', 'email:nobody']) {
    assert.throws(() => parseSan(bad), (e: unknown) => e instanceof MtlsError && e.code === 'MTLS_SAN_INVALID', bad);
  }
});

test('serials are 16 octets, positive and random', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const serial = randomSerial();
    assert.equal(serial.length, 32);
    const first = parseInt(serial.slice(0, 2), 16);
    assert.ok(first > 0 && first < 0x80, serial);
    seen.add(serial);
  }
  assert.equal(seen.size, 200);
});

test('validity: defaults, past dates, clamping to the issuer, conflicts', () => {
  const now = new Date('2030-06-01T00:00:00Z');
  const standard = resolveValidity({}, 397, now);
  assert.equal(Math.round((standard.notAfter.getTime() - standard.notBefore.getTime()) / 86_400_000), 397);
  assert.ok(standard.notBefore < now);
  assert.deepEqual(standard.warnings, []);

  const expired = resolveValidity({ notAfter: '2020-01-01' }, 397, now);
  assert.equal(expired.notAfter.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.ok(expired.notBefore < expired.notAfter);
  assert.match(expired.warnings.join(), /already expired/);

  const clamped = resolveValidity({ days: 5000 }, 397, now, new Date('2031-01-01T00:00:00Z'));
  assert.equal(clamped.notAfter.toISOString(), '2031-01-01T00:00:00.000Z');
  assert.match(clamped.warnings.join(), /shortened to the CA's own expiry/);

  const code = (e: unknown) => (e as MtlsError).code;
  assert.throws(() => resolveValidity({ days: 1, notAfter: '2031-01-01' }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  assert.throws(() => resolveValidity({ notBefore: '2031-01-01', notAfter: '2030-01-01' }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  assert.throws(() => resolveValidity({ notAfter: '01/02/2030' }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  assert.throws(() => resolveValidity({}, 397, now, new Date('2029-01-01T00:00:00Z')), (e) => code(e) === 'MTLS_CA_EXPIRED');
  // Days that do not exist are refused, not rolled over (Date would make 2031-02-30 into March 2nd).
  assert.throws(() => resolveValidity({ notAfter: '2031-02-30' }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  // X.509 dates end in 9999 and start in 1950.
  assert.throws(() => resolveValidity({ days: 3_000_000 }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  assert.throws(() => resolveValidity({ notBefore: '0000-01-01' }, 397, now), (e) => code(e) === 'MTLS_VALIDITY_INVALID');
  // Starting after a CA that is still valid is a date problem, not an expired CA.
  assert.throws(
    () => resolveValidity({ notBefore: '2040-01-01' }, 397, now, new Date('2035-01-01T00:00:00Z')),
    (e) => code(e) === 'MTLS_VALIDITY_INVALID' && /after its CA expires/.test((e as Error).message),
  );
});

test('an IPv6 zone ID cannot go into a certificate', () => {
  assert.throws(() => parseSan('fe80::1%eth0'), (e) => (e as MtlsError).code === 'MTLS_SAN_INVALID');
  assert.throws(() => parseSan('IP:fe80::1%eth0'), (e) => (e as MtlsError).code === 'MTLS_SAN_INVALID');
});

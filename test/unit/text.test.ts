import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeControls, escapeControlsDeep, terminalSafe } from '../../src/core/text/control-chars.js';
import { redactUrl, redactUrlsIn } from '../../src/core/text/redact-url.js';
import { escapeBeyondJson, toJsonDocument } from '../../src/render/json.js';

test('escapeControls: every control and bidi character shown escaped, everything else as it is', () => {
  const cases: [string, string][] = [
    ['CN=alice', 'CN=alice'],
    ['Zoë Müller, 東京, עברית', 'Zoë Müller, 東京, עברית'],
    ['C:\\certs\\a.pem', 'C:\\certs\\a.pem'],
    ['\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['a\nb\tc\rd', 'a\\nb\\tc\\rd'],
    ['\x00\x7f\x80\x9b\x9f', '\\x00\\x7f\\x80\\x9b\\x9f'],
    ['\u202aa\u202e\u2066\u2069\u2028\u2029', '\\u202aa\\u202e\\u2066\\u2069\\u2028\\u2029'],
  ];
  for (const [given, shown] of cases) {
    assert.equal(escapeControls(given), shown, JSON.stringify(given));
    assert.equal(escapeControls(shown), shown, 'idempotent');
  }
});

test('escapeControlsDeep copies plain objects and arrays, and leaves Buffers and dates alone', () => {
  const body = Buffer.from('\x1b[2J');
  const at = new Date(0);
  const given = { a: '\x1b', list: ['\n', { b: '\u202e' }], n: 1, none: null, body, at };
  const safe = escapeControlsDeep(given);
  assert.deepEqual(safe, { a: '\\x1b', list: ['\\n', { b: '\\u202e' }], n: 1, none: null, body, at });
  assert.equal(safe.body, body);
  assert.equal(given.a, '\x1b', 'the input is not changed');
});

test('terminalSafe keeps layout and colour, and escapes every other control', () => {
  assert.equal(terminalSafe('\x1b[31mred\x1b[39m\n\tnext'), '\x1b[31mred\x1b[39m\n\tnext');
  assert.equal(terminalSafe('a\x1b]0;t\x07\x1b[2J\r\u009b\u202e'), 'a\\x1b]0;t\\x07\\x1b[2J\\r\\x9b\\u202e');
});

test('the JSON writer escapes C1 and bidi characters, which JSON.stringify leaves raw', () => {
  const text = toJsonDocument('t', { v: 'a\u009b\u202e\x1b\x7f\u2028' });
  assert.doesNotMatch(text, /[\u007f-\u009f\u202a-\u202e\u2028\x1b]/);
  assert.equal(JSON.parse(text).v, 'a\u009b\u202e\x1b\x7f\u2028');
  assert.equal(escapeBeyondJson('{"a":"plain"}'), '{"a":"plain"}');
});

test('redactUrl: user:password and TOKEN@ never shown; the rest as written', () => {
  const cases: [string, string][] = [
    ['https://user:s3cret@host:8443/p?q=1', 'https://user:***@host:8443/p?q=1'],
    ['https://TOKEN123@host', 'https://***@host'],
    ['https://TOKEN123:@host/', 'https://***@host/'],
    ['https://:s3cret@host/', 'https://:***@host/'],
    ['https://user:p@ss w@rd@host/x@y', 'https://user:***@host/x@y'],
    ['http://proxy-user:s3cret@proxy:3128', 'http://proxy-user:***@proxy:3128'],
    ['https://host/a@b', 'https://host/a@b'],
    ['host:443', 'host:443'],
    ['alice@example.com.pem', 'alice@example.com.pem'],
    // Values that do not parse, or have no scheme: nothing up to the last "@" is shown.
    ['http://u:pa/ss@[::1', 'http://***@[::1'],
    ['user:pw@proxy:3128', '***@proxy:3128'],
  ];
  for (const [given, shown] of cases) assert.equal(redactUrl(given), shown, given);
  assert.equal(redactUrl(new URL('https://user:s3cret@host/')), 'https://user:***@host/');
  assert.equal(redactUrl(new URL('https://TOKEN123@host/')), 'https://***@host/');
});

test('redactUrlsIn: every URL inside a message, and nothing that is not one', () => {
  assert.equal(redactUrlsIn('fetch https://a:s3cret@h/x failed; proxy http://TOKEN@p:3128 refused'), 'fetch https://a:***@h/x failed; proxy http://***@p:3128 refused');
  assert.equal(redactUrlsIn('https://h:1: rejected "CN=x, E=ops@example.com"'), 'https://h:1: rejected "CN=x, E=ops@example.com"');
});

test('JUnit XML writes C1 and bidi characters as character references', async () => {
  const { renderJunit } = await import('../../src/render/doctor-junit.js');
  const { doctorReport } = await import('../../src/core/doctor/report.js');
  const { check } = await import('../../src/core/doctor/types.js');
  const xml = renderJunit(doctorReport([check('chain', 'Chain', 'fail', 'CN=a\u009b31m\u202e\x1b[2J', { code: 'MTLS_CHAIN_ISSUER_MISSING' })], false));
  assert.match(xml, /CN=a&#x9b;31m&#x202e;\[2J/);
  assert.doesNotMatch(xml, /[\u007f-\u009f\u202a-\u202e\x1b]/);
});

test('serve --json lines escape C1 and bidi characters as the JSON writer does', async () => {
  const { serveEventJsonLine } = await import('../../src/render/serve.js');
  const line = serveEventJsonLine({ event: 'handshake-failed', at: '2026-01-01T00:00:00.000Z', remoteAddress: '127.0.0.1', reason: 'CN=a\u009b31m\u202e', code: 'MTLS_SERVE_HANDSHAKE_FAILED' } as never);
  assert.doesNotMatch(line, /[\u007f-\u009f\u202a-\u202e]/);
  assert.equal(JSON.parse(line).reason, 'CN=a\u009b31m\u202e');
});

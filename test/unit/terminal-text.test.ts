import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrapLine } from '../../src/render/wrap.js';
import { wrapHelpText } from '../../src/cli/help-wrap.js';
import { redactHeaderValue } from '../../src/render/redact-headers.js';
import { isCurlJsonBody, rewriteCurlJson } from '../../src/cli/curl-json.js';

test('wrapLine: breaks at spaces with a hanging indent, colour codes not counted, a long word kept whole', () => {
  assert.equal(wrapLine('  PASS  Title: one two three four', 20, { indent: 8 }), '  PASS  Title: one\n        two three\n        four');
  const red = '\x1b[31mred\x1b[39m';
  assert.equal(wrapLine(`${red} ${red} ${red}`, 11), `${red} ${red} ${red}`);
  assert.equal(wrapLine(`${red} ${red} ${red}`, 10), `${red} ${red}\n  ${red}`);
  assert.equal(wrapLine('a 0123456789012345678901234567890 b', 20), 'a\n  0123456789012345678901234567890\n  b');
  assert.equal(wrapLine('fits', null), 'fits');
});

test('wrapHelpText: examples break before an option with a backslash, explanations move under them', () => {
  const example = '  $ mtls request https://api.internal:8443/ --cert client.crt --key client.key --cacert ca.crt';
  assert.equal(wrapHelpText(example, 80), '  $ mtls request https://api.internal:8443/ --cert client.crt --key client.key \\\n      --cacert ca.crt');
  const body = `  $ mtls request https://a.example/items --json '{"name": "a long value that stays whole"}' -v`;
  assert.ok(wrapHelpText(body, 60).includes(`--json '{"name": "a long value that stays whole"}'`));
  assert.equal(wrapHelpText('  0  success                  1  the thing checked is wrong, a diagnosis', 50), '  0  success\n  1  the thing checked is wrong, a diagnosis');
});

test('redactHeaderValue: credentials and cookie values go, schemes, cookie names and other headers stay', () => {
  assert.equal(redactHeaderValue('Authorization', 'Bearer abc.def'), 'Bearer [redacted]');
  assert.equal(redactHeaderValue('proxy-authorization', 'Basic dXNlcjpwYXNz'), 'Basic [redacted]');
  assert.equal(redactHeaderValue('Authorization', 'opaque'), '[redacted]');
  assert.equal(redactHeaderValue('Cookie', 'a=1; b=2'), 'a=[redacted]; b=[redacted]');
  assert.equal(redactHeaderValue('Set-Cookie', 'sid=xyz; Path=/; Secure'), 'sid=[redacted]; Path=/; Secure');
  for (const name of ['X-Api-Key', 'X-Auth-Token', 'X-Client-Secret', 'Api-Key']) assert.equal(redactHeaderValue(name, 'v'), '[redacted]', name);
  assert.equal(redactHeaderValue('Content-Type', 'application/json'), 'application/json');
});

test("curl's --json BODY against mtls's --json: decided by what follows", () => {
  assert.deepEqual(rewriteCurlJson(['request', 'https://a/', '--json', '{"a":1}']), ['request', 'https://a/', '--data-json', '{"a":1}']);
  assert.deepEqual(rewriteCurlJson(['request', 'https://a/', '--json=[1]']), ['request', 'https://a/', '--data-json', '[1]']);
  assert.deepEqual(rewriteCurlJson(['request', '--json', 'https://a/']), ['request', '--json', 'https://a/']);
  assert.deepEqual(rewriteCurlJson(['request', '-H', '{"x": 1}', 'https://a/', '--json']), ['request', '-H', '{"x": 1}', 'https://a/', '--json']);
  assert.deepEqual(rewriteCurlJson(['inspect', 'x.crt', '--json', '{"a":1}']), ['inspect', 'x.crt', '--json', '{"a":1}']);
  assert.throws(() => rewriteCurlJson(['request', 'https://a/', '--json', 'name=a']), /neither JSON nor @FILE/);
  for (const body of ['{}', '[]', '"s"', '42', '-1.5e3', 'true', 'null', '@body.json', '@-']) assert.ok(isCurlJsonBody(body), body);
  for (const other of ['https://a/', '-v', '@', 'name=a']) assert.ok(!isCurlJsonBody(other), other);
});

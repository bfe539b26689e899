import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, STACK_TRACE } from '../helpers/cli.js';

test('mtls serve --upstream refuses a value that is not an http:// origin with MTLS_SERVE_UPSTREAM_INVALID, exit 2, before reading any credential', async () => {
  const cases: [string, RegExp][] = [
    ['https://127.0.0.1:3000', /an https:\/\/ upstream is not supported/],
    ['3000', /write it as a URL: http:\/\/127\.0\.0\.1:3000/],
    ['http://admin:s3cret@127.0.0.1:3000', /carries credentials/],
  ];
  const results = await Promise.all(cases.map(([value]) => runCli(['serve', '--cert', 'missing.crt', '--key', 'missing.key', '--client-ca', 'missing-ca.crt', '--port', '0', '--upstream', value])));
  results.forEach((result, i) => {
    const [value, message] = cases[i] as [string, RegExp];
    assert.equal(result.code, 2, `${value}: ${result.stderr}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /MTLS_SERVE_UPSTREAM_INVALID/);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /mtls serve --upstream http:\/\/127\.0\.0\.1:3000 --cert/);
    assert.doesNotMatch(result.stderr, STACK_TRACE);
    assert.doesNotMatch(result.stderr, /s3cret/);
  });
});

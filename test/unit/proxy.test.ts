import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MtlsError } from '../../src/core/errors.js';
import { proxyFor, proxyLabel } from '../../src/tls/proxy.js';
import { redactUrl } from '../../src/core/text/redact-url.js';

const origin = new URL('https://api.example.com:8443/');

test('which proxy: --proxy, then https_proxy, HTTPS_PROXY, all_proxy, ALL_PROXY (curl order); empty is unset', () => {
  const cases: [Record<string, string>, { proxy?: string } | undefined, string | null][] = [
    [{ HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' }, undefined, 'https_proxy'],
    [{ HTTPS_PROXY: 'http://upper:1', ALL_PROXY: 'http://all:1' }, undefined, 'HTTPS_PROXY'],
    [{ ALL_PROXY: 'http://all:1' }, undefined, 'ALL_PROXY'],
    [{ https_proxy: '', all_proxy: 'http://all:1' }, undefined, 'all_proxy'],
    [{ HTTPS_PROXY: 'http://env:1' }, { proxy: 'http://flag:1' }, '--proxy'],
    [{ HTTPS_PROXY: 'http://env:1' }, { proxy: '' }, null],
    [{}, undefined, null],
  ];
  for (const [env, flags, source] of cases) assert.equal(proxyFor(origin, env, flags)?.source ?? null, source, JSON.stringify([env, flags]));
});

test('no scheme is http://; default ports as in curl (1080 for http://, 443 for https://)', () => {
  assert.equal(proxyLabel(proxyFor(origin, { HTTPS_PROXY: 'proxy.internal' })!.url), 'proxy.internal:1080');
  assert.equal(proxyLabel(proxyFor(origin, { HTTPS_PROXY: 'https://user:pw@proxy.internal' })!.url), 'proxy.internal:443');
});

test('NO_PROXY / --noproxy: "*", domains and subdomains, ports, IPv6', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128' };
  const direct = (url: string, noProxy: string, flag = false) =>
    proxyFor(new URL(url), flag ? env : { ...env, NO_PROXY: noProxy }, flag ? { noProxy } : {}) === null;
  assert.equal(direct('https://a.example.com/', '*'), true);
  assert.equal(direct('https://a.example.com/', '.example.com'), true);
  assert.equal(direct('https://a.example.com/', 'example.com'), true);
  assert.equal(direct('https://notexample.com/', 'example.com'), false);
  assert.equal(direct('https://example.com:8443/', 'example.com:8443'), true);
  assert.equal(direct('https://example.com:8443/', 'example.com:443'), false);
  assert.equal(direct('https://[::1]/', '::1'), true);
  assert.equal(direct('https://[::1]:8443/', '[::1]:8443'), true);
  assert.equal(direct('https://127.0.0.1/', '127.0.0.1', true), true);
});

test('unusable values throw exit-2 MtlsErrors that name the source and never the credentials', () => {
  const cases: [string, string][] = [
    ['http://[::1', 'MTLS_PROXY_INVALID'],
    ['::::', 'MTLS_PROXY_INVALID'],
    ['http://host:99999', 'MTLS_PROXY_INVALID'],
    ['http://', 'MTLS_PROXY_INVALID'],
    ['http://a b:3128', 'MTLS_PROXY_INVALID'],
    ['http://host:0', 'MTLS_PROXY_INVALID'],
    ['http://user:s3cret%zz@host:1', 'MTLS_PROXY_INVALID'],
    ['http://user:s3/cr@et@[::1', 'MTLS_PROXY_INVALID'],
    ['socks5://user:s3cret@host:1080', 'MTLS_PROXY_UNSUPPORTED'],
    ['SOCKS5H://host:1080', 'MTLS_PROXY_UNSUPPORTED'],
    ['socks4://host:1080', 'MTLS_PROXY_UNSUPPORTED'],
    ['ftp://host:21', 'MTLS_PROXY_UNSUPPORTED'],
  ];
  for (const [value, code] of cases) {
    assert.throws(
      () => proxyFor(origin, { HTTPS_PROXY: value }),
      (error: unknown) => error instanceof MtlsError && error.code === code && error.exitCode === 2 && error.message.includes('HTTPS_PROXY=') && !/s3cret|s3\/cr|et@/.test(error.message),
      value,
    );
  }
});

test('redactUrl drops everything up to the last "@" of a proxy value that does not parse', () => {
  assert.equal(redactUrl('http://user:pa/ss@w@ord@host:1'), 'http://***@host:1');
  assert.equal(redactUrl('user:pw@host:1'), '***@host:1');
  assert.equal(redactUrl('http://host:1'), 'http://host:1');
});

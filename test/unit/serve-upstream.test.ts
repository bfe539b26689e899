import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMtlsError } from '../../src/core/errors.js';
import { rfc2253Name } from '../../src/serve-upstream/distinguished-name.js';
import { forwardedClientCert, isIdentityHeader } from '../../src/serve-upstream/identity-headers.js';
import { parseUpstreamUrl } from '../../src/serve-upstream/upstream-url.js';
import { verifyResult } from '../../src/serve-upstream/verify-result.js';
import type { ClientIdentity } from '../../src/tls/serve/client-identity.js';
import { tempDir } from '../helpers/tmp.js';

test('--upstream takes an http:// origin; anything else is MTLS_SERVE_UPSTREAM_INVALID (exit 2) with a message that says what to write', () => {
  assert.deepEqual(parseUpstreamUrl('http://127.0.0.1:3000'), { origin: 'http://127.0.0.1:3000', hostname: '127.0.0.1', port: 3000, loopback: true });
  assert.deepEqual(parseUpstreamUrl('http://[::1]:8080/'), { origin: 'http://[::1]:8080', hostname: '::1', port: 8080, loopback: true });
  assert.deepEqual(parseUpstreamUrl('http://localhost'), { origin: 'http://localhost', hostname: 'localhost', port: 80, loopback: true });
  assert.equal(parseUpstreamUrl('http://app.internal:3000').loopback, false);
  const refused: [string, RegExp][] = [
    ['3000', /is not a URL \(write it as a URL: http:\/\/127\.0\.0\.1:3000\)/],
    ['localhost:3000', /is not a URL \(write it as a URL: http:\/\/localhost:3000\)/],
    ['not a url', /is not a URL\./],
    ['https://127.0.0.1:3000', /an https:\/\/ upstream is not supported/],
    ['ws://127.0.0.1:3000', /plain HTTP only, not ws/],
    ['unix:///run/app.sock', /plain HTTP only, not unix/],
    ['http://127.0.0.1:3000/api', /has a path, query or fragment/],
    ['http://127.0.0.1:3000?x=1', /has a path, query or fragment/],
    ['http://user:hunter2@127.0.0.1:3000', /carries credentials/],
  ];
  for (const [value, message] of refused) {
    assert.throws(() => parseUpstreamUrl(value), (error: unknown) => {
      assert.ok(isMtlsError(error), value);
      assert.equal(error.code, 'MTLS_SERVE_UPSTREAM_INVALID');
      assert.equal(error.toDiagnosis().exit, 2);
      assert.match(error.message, message, value);
      assert.doesNotMatch(JSON.stringify(error.toDiagnosis()), /hunter2/);
      return true;
    });
  }
});

test('identity headers a client sends are recognised in any case, with underscores, and in the whole X-SSL-Client-* family', () => {
  for (const name of ['X-SSL-Client-S-DN', 'x-ssl-client-s-dn', 'X_SSL_CLIENT_S_DN', 'x-ssl-client-verify', 'X-SSL-Client-V-End', 'X-Forwarded-Client-Cert', 'x_forwarded_client_cert', 'Client-Cert', 'client-cert-chain']) {
    assert.equal(isIdentityHeader(name), true, name);
  }
  for (const name of ['x-forwarded-for', 'authorization', 'x-ssl', 'x-client-cert-note', 'cookie']) assert.equal(isIdentityHeader(name), false, name);
});

test('S-DN and I-DN are RFC 2253 exactly as openssl (and so nginx) prints them: reversed, escaped, multi-valued RDNs, UTF-8 as \\XX', () => {
  const dir = tempDir('mtls-dn-');
  const cert = join(dir, 'c.pem');
  const subjects = ['/C=US/O=Ünïcode "Q"/OU=a+CN=x, y;z=w\\/#', '/DC=org/DC=example/CN=#lead, trail \\\\', '/CN=alice'];
  for (const subject of subjects) {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', cert, '-days', '1', '-utf8', '-multivalue-rdn', '-subj', subject], { stdio: 'pipe' });
    const expected = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-subject', '-nameopt', 'RFC2253'], { encoding: 'utf8' }).trim().replace(/^subject=/, '');
    assert.equal(rfc2253Name(new X509Certificate(readFileSync(cert)).subject), expected, subject);
  }
  assert.equal(rfc2253Name(undefined), '');
});

function identity(verified: boolean, sans: string[], detail: string | null = null): ClientIdentity {
  return {
    verified,
    notVerifiedBecause: verified ? null : { code: 'MTLS_SERVE_CLIENT_UNKNOWN_CA', reason: 'x', detail },
    certificate: { subject: 'CN=a', subjectAltNames: sans, spiffeId: null, issuer: 'CN=ca', serialNumber: '01', fingerprintSha256: '', notBefore: '', notAfter: '' },
    tls: { version: null, cipher: null },
    remoteAddress: null,
  };
}

test("x-forwarded-client-cert follows Envoy's format: By per server URI SAN, Hash, quoted Subject, URI (empty when none), DNS per SAN, values with , ; = quoted", () => {
  assert.equal(forwardedClientCert(identity(true, []), 'CN=a', 'ab12', []), 'Hash=ab12;Subject="CN=a";URI=');
  assert.equal(
    forwardedClientCert(identity(true, ['URI:spiffe://td/ns/a', 'DNS:a.example', 'DNS:b.example', 'IP:127.0.0.1']), 'CN=a\\, b,O=\\"Q\\"', 'ab12', ['spiffe://td/server']),
    'By=spiffe://td/server;Hash=ab12;Subject="CN=a\\, b,O=\\"Q\\"";URI=spiffe://td/ns/a;DNS=a.example;DNS=b.example',
  );
  assert.equal(forwardedClientCert(identity(true, ['URI:https://x/?a=1;b="2"']), 'CN=a', 'ab', []), 'Hash=ab;Subject="CN=a";URI="https://x/?a=1;b=\\"2\\""');
});

test("X-SSL-Client-Verify is nginx's: SUCCESS, NONE, FAILED:<OpenSSL's words>", () => {
  assert.equal(verifyResult(identity(true, [])), 'SUCCESS');
  assert.equal(verifyResult({ ...identity(false, []), certificate: null }), 'NONE');
  assert.equal(verifyResult(identity(false, [], 'CERT_HAS_EXPIRED')), 'FAILED:certificate has expired');
  assert.equal(verifyResult(identity(false, [], 'SOMETHING_NEW')), 'FAILED:SOMETHING_NEW');
});

/**
 * Fourteen real chains (x509-limbo, captured from public sites): each verifies at its
 * validation_time for its peer name, and fails with the right rule when the host is wrong, the
 * intermediates are withheld, the time is past the leaf's notAfter, or the anchor is another's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyChain, type VerifyChainInput } from '../../src/core/chain/verify.js';
import { trustAnchorsFrom } from '../../src/core/chain/trust.js';
import { parsePem } from '../../src/core/load/pem.js';
import { parseCertificate, type ParsedCertificate } from '../../src/core/certificate/parse.js';

const DIR = '/work/shared/data/limbo-online';

interface LimboCase {
  id: string;
  peer: ParsedCertificate;
  intermediates: ParsedCertificate[];
  anchors: ParsedCertificate[];
  at: Date;
  host: string;
}

const pem = (text: string) => parsePem(text, 'limbo').map((b) => parseCertificate(b.der, 'limbo'));
const cases: LimboCase[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.limbo.json'))
  .sort()
  .map((file) => {
    const data = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as {
      peer_certificate: string;
      untrusted_intermediates: string[];
      trusted_certs: string[];
      validation_time: string;
      expected_peer_name: { value: string };
    };
    return {
      id: file.replace('.limbo.json', ''),
      peer: pem(data.peer_certificate)[0] as ParsedCertificate,
      intermediates: data.untrusted_intermediates.flatMap(pem),
      anchors: data.trusted_certs.flatMap(pem),
      at: new Date(data.validation_time),
      host: data.expected_peer_name.value,
    };
  });

const verify = (k: LimboCase, changes: Partial<VerifyChainInput> = {}) =>
  verifyChain({ leaf: k.peer, untrusted: k.intermediates, trust: trustAnchorsFrom(k.anchors, '--cacert'), purpose: 'server', host: k.host, at: k.at, ...changes });

test('the limbo folder holds fourteen chains', () => assert.equal(cases.length, 14));

for (const k of cases) {
  test(`limbo ${k.id}: valid at its validation time for ${k.host}`, () => {
    const result = verify(k);
    assert.ok(result.valid, result.verdict);
    assert.equal(result.path.at(-1)?.from, 'trust anchors', 'the path ends at the trusted certificate');
    assert.equal(result.path[0]?.role, 'leaf');
  });

  test(`limbo ${k.id}: fails for a wrong host`, () => {
    const result = verify(k, { host: `not-${k.host}.invalid` });
    assert.equal(result.valid, false);
    assert.equal(result.problems[0]?.rule, 'host', result.verdict);
    assert.match(result.verdict, /is not valid for host 'not-/);
  });

  test(`limbo ${k.id}: fails without its intermediate`, () => {
    const result = verify(k, { untrusted: [] });
    assert.equal(result.valid, false);
    assert.equal(result.problems[0]?.rule, 'issuer-missing', result.verdict);
    assert.equal(result.problems[0]?.position, 0);
    assert.match(result.verdict, /lacks its issuer/);
  });

  test(`limbo ${k.id}: fails after the leaf expired`, () => {
    const after = new Date(Date.parse(k.peer.facts.notAfter) + 86_400_000);
    const result = verify(k, { at: after });
    assert.equal(result.valid, false);
    assert.equal(result.problems[0]?.rule, 'expired', result.verdict);
    assert.equal(result.problems[0]?.position, 0);
  });

  test(`limbo ${k.id}: fails with another case's trust anchor`, () => {
    const own = new Set(k.anchors.map((a) => a.x509.subject));
    const other = cases.find((o) => o.anchors.every((a) => !own.has(a.x509.subject)));
    assert.ok(other, 'another case with a different anchor');
    const result = verify(k, { trust: trustAnchorsFrom(other.anchors, '--cacert') });
    assert.equal(result.valid, false);
    assert.equal(result.problems[0]?.rule, 'issuer-missing', result.verdict);
    assert.ok((result.problems[0]?.position ?? 0) > 0, 'the chain is built up to the missing root');
  });
}

/**
 * A host-shaped CN that is none of the SAN entries (CA/B Forum 7.1.4.3): a warning, an error only
 * with --strict. No TLS client refuses it (they ignore the CN when a SAN is present), and limbo's
 * own success cases have the same shape (CN example.com beside SAN foo.bar.example.com), so the
 * untagged webpki::cn::not-in-san stays accepted by default (docs/checks.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { verifyChain } from '../../src/core/chain/verify.js';
import { trustAnchorsFrom } from '../../src/core/chain/trust.js';
import { parsePem } from '../../src/core/load/pem.js';
import { parseCertificate } from '../../src/core/certificate/parse.js';

const limbo = JSON.parse(gunzipSync(readFileSync(new URL('../../../shared/data/x509-limbo/limbo.json.gz', import.meta.url))).toString('utf8')) as {
  testcases: { id: string; peer_certificate: string; trusted_certs: string[]; expected_peer_name: { value: string } }[];
};
const pem = (text: string) => parsePem(text, 'limbo').map((b) => parseCertificate(b.der, 'limbo'));

function verdict(id: string, strict: boolean) {
  const c = limbo.testcases.find((t) => t.id === id);
  assert.ok(c, id);
  const leaf = pem(c.peer_certificate)[0];
  assert.ok(leaf);
  return verifyChain({ leaf, trust: trustAnchorsFrom(c.trusted_certs.flatMap(pem), 'limbo'), purpose: 'server', host: c.expected_peer_name.value, at: new Date('2030-01-01'), strict });
}

test('webpki::cn::not-in-san: valid with a CA/B Forum warning; invalid with --strict', () => {
  const lenient = verdict('webpki::cn::not-in-san', false);
  assert.equal(lenient.valid, true);
  assert.ok(lenient.warnings.some((w) => /CN 'notinsan\.example\.com', which is none of its subjectAltName entries/.test(w.summary)), JSON.stringify(lenient.warnings));
  assert.equal(verdict('webpki::cn::not-in-san', true).valid, false);
});

test('rfc5280::nc::permitted-dns-match-more (the same shape, a success case) stays valid by default', () => {
  assert.equal(verdict('rfc5280::nc::permitted-dns-match-more', false).valid, true);
});

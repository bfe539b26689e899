/**
 * `chain build` uses the path builder of `chain verify`: bettertls-style cross-signed and
 * same-name candidates with a failing branch, in both orders. The greedy builder it replaces took
 * the first issuer by name and signature and never backed up, so one order of the same
 * candidates built a chain and the other did not (or built one through an expired CA).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x509 } from '../../src/core/pki/x509.js';
import { buildChain, type Candidate } from '../../src/core/chain/build.js';
import { parseCertificate } from '../../src/core/certificate/parse.js';
import { issue, type Issued } from './chain-corpus.js';

const NOW = new Date();
const DAY = 86_400_000;
const candidate = (i: Issued, from = `${i.name}.pem`): Candidate => ({ cert: parseCertificate(Buffer.from(i.cert.rawData), from), from });

/** The same subject and key as `ca`, signed by `issuer`: a cross-signature (or a renewal) of it. */
async function twin(ca: Issued, issuer: Issued, serial: string, notAfter = new Date(NOW.getTime() + 365 * DAY)): Promise<Issued> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial, subject: ca.cert.subject, issuer: issuer.cert.subject,
    notBefore: new Date(Math.min(NOW.getTime(), notAfter.getTime()) - 60 * DAY), notAfter,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: ca.keys.publicKey, signingKey: issuer.keys.privateKey,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(ca.keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)],
  });
  return { name: ca.name, cert, keys: ca.keys };
}

const build = (leaf: Issued, candidates: Candidate[]) => buildChain({ leafFile: [candidate(leaf)], candidates, includeRoot: true, now: NOW });

test('chain build backtracks: a cross-signed CA whose root is absent is passed over for its twin whose root is there, in both orders', async () => {
  const root1 = await issue({ name: 'BT Root1', ca: true }, NOW);
  const root2 = await issue({ name: 'BT Root2', ca: true }, NOW);
  const ica = await issue({ name: 'BT ICA', issuer: root1, ca: true }, NOW);
  const cross = await twin(ica, root2, '5151');
  const leaf = await issue({ name: 'bt.test', issuer: ica, dns: ['bt.test'] }, NOW);
  // Root1 is not among the candidates: only the branch through the cross-signature reaches a root.
  for (const order of [[candidate(ica, 'a.pem'), candidate(cross, 'b.pem'), candidate(root2)], [candidate(root2), candidate(cross, 'b.pem'), candidate(ica, 'a.pem')]]) {
    const result = await build(leaf, order);
    assert.equal(result.complete, true, result.summary);
    assert.deepEqual(result.path.map((l) => l.from), ['bt.test.pem', 'b.pem', 'BT Root2.pem']);
    assert.equal(result.pem.match(/BEGIN CERTIFICATE/g)?.length, 3);
  }
});

test('chain build passes over an expired same-name CA whatever the order, and with only that one names its real defect', async () => {
  const root = await issue({ name: 'SN Root', ca: true }, NOW);
  const good = await issue({ name: 'SN CA', issuer: root, ca: true }, NOW);
  const expired = await twin(good, root, '6161', new Date(NOW.getTime() - DAY));
  const leaf = await issue({ name: 'sn.test', issuer: good, dns: ['sn.test'] }, NOW);
  for (const order of [[candidate(expired, 'old.pem'), candidate(good, 'new.pem'), candidate(root)], [candidate(root), candidate(good, 'new.pem'), candidate(expired, 'old.pem')]]) {
    const result = await build(leaf, order);
    assert.equal(result.complete, true, result.summary);
    assert.equal(result.path[1]?.from, 'new.pem');
  }
  const only = await build(leaf, [candidate(expired, 'old.pem'), candidate(root)]);
  assert.equal(only.complete, false);
  assert.equal(only.missing, null, 'the root is reached: nothing is missing');
  assert.equal(only.defects[0]?.rule, 'expired', only.summary);
  assert.equal(only.defects[0]?.position, 1);
  assert.match(only.summary, /intermediate 'SN CA' expired/);
  assert.deepEqual(only.path.map((l) => l.from), ['sn.test.pem', 'old.pem', 'SN Root.pem'], 'the closest path is shown');
});

test('chain build: a same-name issuer that is not a CA is passed over; a missing issuer is still said as before', async () => {
  const root = await issue({ name: 'NC Root', ca: true }, NOW);
  const ca = await issue({ name: 'NC CA', issuer: root, ca: true }, NOW);
  const leaf = await issue({ name: 'nc.test', issuer: ca, dns: ['nc.test'] }, NOW);
  // The same name and key as the CA, but basicConstraints CA:FALSE.
  const notCa: Issued = {
    name: 'NC CA', keys: ca.keys,
    cert: await x509.X509CertificateGenerator.create({
      serialNumber: '7171', subject: ca.cert.subject, issuer: root.cert.subject, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 30 * DAY),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: ca.keys.publicKey, signingKey: root.keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), await x509.SubjectKeyIdentifierExtension.create(ca.keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey)],
    }),
  };
  for (const order of [[candidate(notCa, 'leafish.pem'), candidate(ca, 'ca.pem'), candidate(root)], [candidate(root), candidate(ca, 'ca.pem'), candidate(notCa, 'leafish.pem')]]) {
    const result = await build(leaf, order);
    assert.equal(result.complete, true, result.summary);
    assert.equal(result.path[1]?.from, 'ca.pem');
  }
  const missing = await build(leaf, [candidate(ca, 'ca.pem')]);
  assert.equal(missing.complete, false);
  assert.deepEqual(missing.missing, { issuer: 'NC Root', after: 'NC CA', fetchUrls: [] });
  assert.match(missing.summary, /^No issuer 'NC Root' for 'NC CA' among the candidates; add it with --from FILE\|DIR\.$/);
});

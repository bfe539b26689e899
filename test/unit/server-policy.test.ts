/**
 * serverChainPolicyProblems: chain verify's checks over the chain Node verified, as request,
 * doctor and the library apply them. The DER reader alone answers for ordinary certificates; a
 * chain it cannot read gets null (the caller then loads the full reader), never a silent pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { x509 } from '../../src/core/pki/x509.js';
import { serverChainPolicyProblems, serverChainVerdict, serverChainVerdictFull } from '../../src/core/chain/server-policy.js';
import { issue } from './chain-corpus.js';

const NOW = new Date();
const SERVER = ['1.3.6.1.5.5.7.3.1'];
const der = (i: { cert: x509.X509Certificate }) => Buffer.from(i.cert.rawData);

test('the chain Node verified: a good one passes; a wildcard under an excluded name fails as chain verify says; an unreadable one is null, not a pass', async () => {
  const root = await issue({ name: 'SP Root', ca: true }, NOW);
  const good = await issue({ name: 'good.test', issuer: root, eku: SERVER, dns: ['good.test'] }, NOW);
  assert.deepEqual(serverChainVerdict([der(good), der(root)], 'good.test', NOW), { chainError: null, hostError: null });

  const { nameConstraints } = await import('./chain-corpus.js');
  const ca = await issue({ name: 'SP Excluding CA', issuer: root, ca: true, extensions: [nameConstraints({ excluded: ['DNS:bar.example.test'] })] }, NOW);
  const wild = await issue({ name: 'wild', issuer: ca, eku: SERVER, dns: ['*.example.test'] }, NOW);
  const chain = [der(wild), der(ca), der(root)];
  const verdict = serverChainVerdict(chain, 'bar.example.test', NOW);
  assert.match(verdict?.chainError ?? '', /^MTLS_CHAIN_NAME_CONSTRAINTS: The CA 'SP Excluding CA' may not vouch for the name \*\.example\.test/);
  assert.equal(verdict?.hostError, null);
  assert.deepEqual(await serverChainVerdictFull(chain, 'bar.example.test', NOW), verdict, 'the full reader says the same');

  assert.equal(serverChainPolicyProblems(chain, 'bar.example.test', NOW, () => null), null);
  const hostOnly = serverChainVerdict([der(good), der(root)], 'other.test', NOW);
  assert.match(hostOnly?.hostError ?? '', /^MTLS_CHAIN_HOST_MISMATCH/);
});

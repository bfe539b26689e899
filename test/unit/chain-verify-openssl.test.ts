/**
 * Differential test: `verifyChain` and `openssl verify` judge every case of a generated corpus
 * the same way (valid or not), and our verdict names the rule the case was built to break.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { isIP } from 'node:net';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/tmp.js';
import { buildChainCorpus, issue, nameConstraints, type ChainCase } from './chain-corpus.js';
import { verifyChain } from '../../src/core/chain/verify.js';
import { trustAnchorsFrom } from '../../src/core/chain/trust.js';
import { parsePem } from '../../src/core/load/pem.js';
import { parseCertificate } from '../../src/core/certificate/parse.js';
import { x509 } from '../../src/core/pki/x509.js';

const run = promisify(execFile);
const now = new Date();
now.setMilliseconds(0);
const dir = tempDir('mtls-chain-corpus-');
const corpus = await buildChainCorpus(dir, now);

function certificatesIn(path: string) {
  return parsePem(readFileSync(path, 'utf8'), path).map((block) => parseCertificate(block.der, path));
}

async function opensslAccepts(k: ChainCase): Promise<{ ok: boolean; output: string }> {
  const args = ['verify', '-CAfile', k.cacert, '-purpose', k.purpose === 'client' ? 'sslclient' : 'sslserver', '-attime', String(now.getTime() / 1000)];
  const untrusted = k.untrusted ?? (k.name === 'bundled-intermediate' ? k.leaf : null);
  if (untrusted) args.push('-untrusted', untrusted);
  if (k.host) args.push(isIP(k.host) ? '-verify_ip' : '-verify_hostname', k.host);
  args.push(k.leaf);
  try {
    const { stdout, stderr } = await run('openssl', args);
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

for (const k of corpus) {
  test(`chain verify agrees with openssl verify: ${k.name}`, async () => {
    const [leaf, ...bundled] = certificatesIn(k.leaf);
    const ours = verifyChain({
      leaf: leaf!,
      bundled,
      untrusted: k.untrusted ? certificatesIn(k.untrusted) : [],
      trust: trustAnchorsFrom(certificatesIn(k.cacert), '--cacert'),
      purpose: k.purpose,
      ...(k.host ? { host: k.host } : {}),
      at: now,
    });
    const openssl = await opensslAccepts(k);
    assert.equal(ours.valid, openssl.ok, `ours: ${ours.verdict}\nopenssl: ${openssl.output}`);
    assert.equal(ours.valid, k.expect === null, ours.verdict);
    if (k.expect !== null) {
      assert.equal(ours.problems[0]?.rule, k.expect, ours.verdict);
      assert.equal(ours.problems[0]?.position, k.position, ours.verdict);
      assert.ok(ours.verdict.includes(ours.problems[0]!.certificate), 'the verdict names the certificate at fault');
    }
  });
}

test('email name constraints are checked; a constraint form mtls does not check fails closed when a name of that form is present', async () => {
  const parsed = (c: Awaited<ReturnType<typeof issue>>) => parseCertificate(Buffer.from(c.cert.rawData), c.name);
  const root = await issue({ name: 'Mail Constrained Root', ca: true, extensions: [nameConstraints({ permitted: ['email:example.com'] })] }, now);
  const check = (leaf: Awaited<ReturnType<typeof issue>>, anchor = root) => verifyChain({ leaf: parsed(leaf), trust: trustAnchorsFrom([parsed(anchor)], '--cacert'), purpose: 'any', at: now });
  // Constraints bind only the names that appear: a DNS-only leaf is not touched by an email constraint.
  assert.ok(check(await issue({ name: 'mail.test', issuer: root, dns: ['mail.test'] }, now)).valid);
  const outside = check(await issue({ name: 'mail2.test', issuer: root, extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'email', value: 'eve@evil.org' }])] }, now));
  assert.equal(outside.problems[0]?.rule, 'name-constraints', outside.verdict);
  assert.match(outside.verdict, /eve@evil\.org .*outside its permitted subtrees email:example\.com/);
  // registeredID constraints (a form no TLS stack uses) with a registeredID SAN: refused, not skipped.
  const rid = new x509.Extension('2.5.29.30', true, Uint8Array.from([0x30, 0x09, 0xa0, 0x07, 0x30, 0x05, 0x88, 0x03, 0x2a, 0x03, 0x04]));
  const ridRoot = await issue({ name: 'RID Root', ca: true, extensions: [rid] }, now);
  const ridLeaf = await issue({ name: 'rid.test', issuer: ridRoot, extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'id', value: '1.2.3.5' }])] }, now);
  const unsupported = check(ridLeaf, ridRoot);
  assert.equal(unsupported.problems[0]?.rule, 'name-constraints-unsupported', unsupported.verdict);
});

test('IP hosts compare as bytes like -verify_ip: a mapped IPv4 is not the IPv4 entry, but equals its hex spelling', async () => {
  const { matchHost } = await import('../../src/core/chain/host.js');
  assert.equal(matchHost('::ffff:127.0.0.1', [{ type: 'IP', value: '127.0.0.1' }]).matched, null);
  assert.equal(matchHost('::ffff:127.0.0.1', [{ type: 'IP', value: '::ffff:7f00:1' }]).matched, '::ffff:7f00:1');
  assert.equal(matchHost('0:0:0:0:0:0:0:1', [{ type: 'IP', value: '::1' }]).matched, '::1');
});

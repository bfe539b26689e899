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

test('critical name constraints of a form mtls does not check (email) fail closed, naming the rule', async () => {
  const root = await issue({ name: 'Mail Constrained Root', ca: true, extensions: [nameConstraints({ permitted: ['email:example.com'] })] }, now);
  const leaf = await issue({ name: 'mail.test', issuer: root, dns: ['mail.test'] }, now);
  const parsed = (c: typeof root) => parseCertificate(Buffer.from(c.cert.rawData), c.name);
  const ours = verifyChain({ leaf: parsed(leaf), trust: trustAnchorsFrom([parsed(root)], '--cacert'), purpose: 'any', at: now });
  assert.equal(ours.valid, false);
  assert.equal(ours.problems[0]?.rule, 'name-constraints-unsupported', ours.verdict);
  assert.match(ours.verdict, /critical nameConstraints of a form mtls does not check \(email\)/);
});

test('IP hosts compare as bytes like -verify_ip: a mapped IPv4 is not the IPv4 entry, but equals its hex spelling', async () => {
  const { matchHost } = await import('../../src/core/chain/host.js');
  assert.equal(matchHost('::ffff:127.0.0.1', [{ type: 'IP', value: '127.0.0.1' }]).matched, null);
  assert.equal(matchHost('::ffff:127.0.0.1', [{ type: 'IP', value: '::ffff:7f00:1' }]).matched, '::ffff:7f00:1');
  assert.equal(matchHost('0:0:0:0:0:0:0:1', [{ type: 'IP', value: '::1' }]).matched, '::1');
});

/**
 * One test per security-relevant false accept of issue 15 (each found by x509-limbo), plus path
 * building: name constraints over intermediates, the wildcard against an excluded name
 * (CVE-2025-61727), constraints in an end-entity, malformed constraints, a SAN ".example.com",
 * weak signatures and keys (SHA-1, MD5, RSA-1024, P-192, DSA, explicit curve parameters), profile
 * violations, order-independent backtracking, the closest path's real defect, bounded work,
 * revocation and --max-depth. Every one of them passed `verifyChain` before this change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x509 } from '../../src/core/pki/x509.js';
import { verifyChain, type VerifyChainInput } from '../../src/core/chain/verify.js';
import { trustAnchorsFrom } from '../../src/core/chain/trust.js';
import { parseCrl } from '../../src/core/chain/crl.js';
import { parseCertificate, type ParsedCertificate } from '../../src/core/certificate/parse.js';
import { issue, nameConstraints, type Issued, type Spec } from './chain-corpus.js';

const NOW = new Date();
const DAY = 86_400_000;
const SERVER = ['1.3.6.1.5.5.7.3.1'];
const parsed = (i: Issued): ParsedCertificate => parseCertificate(Buffer.from(i.cert.rawData), i.name);

async function verify(leaf: Issued, root: Issued, untrusted: Issued[], extra: Partial<VerifyChainInput> = {}) {
  return verifyChain({ leaf: parsed(leaf), untrusted: untrusted.map(parsed), trust: trustAnchorsFrom([parsed(root)], '--cacert'), purpose: 'server', at: NOW, ...extra });
}

const server = (name: string, issuer: Issued, extra: Partial<Spec> = {}) => issue({ name, issuer, eku: SERVER, keyUsage: x509.KeyUsageFlags.digitalSignature, dns: [name], ...extra }, NOW);

test('name constraints bind intermediates: a sub-CA with a forbidden SAN under a constrained CA fails', async () => {
  const root = await issue({ name: 'NC Root', ca: true }, NOW);
  const constrained = await issue({ name: 'Example Only', issuer: root, ca: true, extensions: [nameConstraints({ permitted: ['DNS:example.com'] })] }, NOW);
  const sub = await issue({ name: 'Sub CA', issuer: constrained, ca: true, dns: ['evil.org'] }, NOW);
  const leaf = await server('api.example.com', sub);
  const result = await verify(leaf, root, [constrained, sub], { host: 'api.example.com' });
  assert.equal(result.valid, false, result.verdict);
  const nc = result.problems.find((p) => p.rule === 'name-constraints');
  assert.ok(nc, result.verdict);
  assert.match(nc.summary, /evil\.org of the intermediate 'Sub CA'/);
});

test("a wildcard SAN '*.example.com' under an excluded 'bar.example.com' fails (CVE-2025-61727)", async () => {
  const root = await issue({ name: 'Wild Root', ca: true }, NOW);
  const ica = await issue({ name: 'Excludes bar', issuer: root, ca: true, extensions: [nameConstraints({ excluded: ['DNS:bar.example.com'] })] }, NOW);
  const leaf = await server('*.example.com', ica);
  const result = await verify(leaf, root, [ica], { host: 'bar.example.com' });
  assert.equal(result.valid, false, result.verdict);
  assert.equal(result.problems[0]?.rule, 'name-constraints');
  assert.match(result.verdict, /\*\.example\.com.*excluded subtree DNS:bar\.example\.com/);
  // A wildcard that cannot stand for the excluded name stays valid.
  const other = await server('*.other.example.com', ica);
  assert.ok((await verify(other, root, [ica], { host: 'a.other.example.com' })).valid);
});

test('name constraints in an end-entity, malformed constraints and a SAN ".example.com" fail', async () => {
  const root = await issue({ name: 'Profile Root', ca: true }, NOW);
  const inLeaf = await server('leaf-nc.example.com', root, { extensions: [nameConstraints({ permitted: ['DNS:example.com'] })] });
  const r1 = await verify(inLeaf, root, []);
  assert.equal(r1.valid, false);
  assert.ok(r1.problems.some((p) => p.rule === 'profile' && /nameConstraints but is not a CA/.test(p.summary)), r1.verdict);

  const leadingDot = await issue({ name: 'Leading Dot', issuer: root, ca: true, extensions: [nameConstraints({ permitted: ['DNS:.example.com'] })] }, NOW);
  const r2 = await verify(await server('foo.example.com', leadingDot), root, [leadingDot]);
  assert.equal(r2.valid, false);
  assert.match(r2.verdict, /malformed nameConstraints/);

  const empty = await issue({ name: 'Empty NC', issuer: root, ca: true, extensions: [new x509.Extension('2.5.29.30', true, Uint8Array.from([0x30, 0x00]))] }, NOW);
  const r3 = await verify(await server('foo.example.com', empty), root, [empty]);
  assert.equal(r3.valid, false);
  assert.match(r3.verdict, /malformed nameConstraints/);

  const dotSan = await issue({ name: 'ok.example.com', issuer: root, eku: SERVER, dns: ['ok.example.com', '.example.com'] }, NOW);
  const r4 = await verify(dotSan, root, [], { host: 'ok.example.com' });
  assert.equal(r4.valid, false);
  assert.match(r4.verdict, /malformed DNS name '\.example\.com'/);
});

/** OpenSSL makes what WebCrypto cannot: MD5, DSA, P-192, explicit curve parameters. */
function opensslChain(keyArgs: string[], digest: string, options: { rsaRoot?: boolean; serial?: string } = {}): { root: ParsedCertificate; leaf: ParsedCertificate } {
  const dir = mkdtempSync(join(tmpdir(), 'mtls-weak-'));
  try {
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    // OpenSSL signs MD5 with RSA only.
    run('req', '-x509', ...(options.rsaRoot ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']), '-nodes', '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Weak Root', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    if (keyArgs[1] === 'DSA') {
      run('genpkey', '-genparam', ...keyArgs, '-out', 'dsa.param');
      run('genpkey', '-paramfile', 'dsa.param', '-out', 'leaf.key');
    } else {
      run('genpkey', ...keyArgs, '-out', 'leaf.key');
    }
    run('req', '-new', '-key', 'leaf.key', '-subj', '/CN=weak.test', '-out', 'leaf.csr');
    writeFileSync(join(dir, 'ext'), 'subjectAltName=DNS:weak.test\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nbasicConstraints=critical,CA:FALSE\nextendedKeyUsage=serverAuth\n');
    run('x509', '-req', '-in', 'leaf.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-set_serial', options.serial ?? '4242', '-days', '20', `-${digest}`, '-extfile', 'ext', '-out', 'leaf.pem');
    const read = (f: string) => parseCertificate(Buffer.from(readFileSync(join(dir, f), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'), f);
    return { root: read('root.pem'), leaf: read('leaf.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const weakCases: [string, string[], string, RegExp, { rsaRoot?: boolean }?][] = [
  ['a SHA-1 signature', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'sha1', /signed with SHA-1.*ERR_SSL_CA_MD_TOO_WEAK/],
  ['an MD5 signature', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'md5', /signed with MD5/, { rsaRoot: true }],
  ['an RSA-1024 key', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'], 'sha256', /RSA key of 1024 bits.*security level 2/],
  ['a P-192 key', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime192v1'], 'sha256', /EC key on the curve/],
  ['explicit curve parameters', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:explicit'], 'sha256', /explicit curve parameters/],
];
for (const [what, keyArgs, digest, message, options] of weakCases) {
  test(`crypto policy: a leaf with ${what} fails, naming who refuses it`, () => {
    const { root, leaf } = opensslChain(keyArgs, digest, options);
    const result = verifyChain({ leaf, trust: trustAnchorsFrom([root], '--cacert'), purpose: 'server', host: 'weak.test', at: new Date() });
    assert.equal(result.valid, false, result.verdict);
    const finding = result.problems.find((p) => p.rule === 'weak-crypto');
    assert.ok(finding, result.verdict);
    assert.equal(finding.code, 'MTLS_CHAIN_WEAK_CRYPTO');
    assert.match(finding.summary, message);
  });
}

test('crypto policy: a DSA key fails', { timeout: 120_000 }, () => {
  const { root, leaf } = opensslChain(['-algorithm', 'DSA', '-pkeyopt', 'dsa_paramgen_bits:1024'], 'sha256');
  const result = verifyChain({ leaf, trust: trustAnchorsFrom([root], '--cacert'), purpose: 'server', at: new Date() });
  assert.equal(result.valid, false);
  assert.ok(result.problems.some((p) => p.rule === 'weak-crypto' && /DSA/.test(p.summary)), result.verdict);
});

test("crypto policy: a SHA-1 self-signature of the trust anchor itself is not held against it", async () => {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const rootCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=SHA1 Root', notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 30 * DAY), keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-1' },
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)],
  });
  const root: Issued = { name: 'SHA1 Root', cert: rootCert, keys };
  const leaf = await server('sha1-root.test', root);
  const result = await verify(leaf, root, [], { host: 'sha1-root.test' });
  assert.ok(result.valid, result.verdict);
});

test('profile: keyCertSign on a non-CA leaf, CA:TRUE on a leaf, duplicate extensions and a missing AKI fail', async () => {
  const root = await issue({ name: 'Profile Root 2', ca: true }, NOW);
  const kcs = await server('kcs.test', root, { ca: 'false', keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign });
  assert.match((await verify(kcs, root, [])).verdict, /not a CA .* keyCertSign/);
  const caLeaf = await server('ca-leaf.test', root, { extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
  assert.match((await verify(caLeaf, root, [], { purpose: 'any' })).verdict, /CA:TRUE but no keyCertSign/);
  const duplicate = await server('dup.test', root, { extensions: [new x509.ExtendedKeyUsageExtension(SERVER)] });
  assert.match((await verify(duplicate, root, [])).verdict, /carries the extension 2\.5\.29\.37 2 times/);

  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const noAki = await x509.X509CertificateGenerator.create({
    serialNumber: '0a0b', subject: 'CN=no-aki.test', issuer: root.cert.subject, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: keys.publicKey, signingKey: root.keys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'no-aki.test' }])],
  });
  assert.match((await verify({ name: 'no-aki.test', cert: noAki, keys }, root, [])).verdict, /no authorityKeyIdentifier/);
});

test('profile: a pedantic rule (serial 0) is a warning, and an error with --strict', () => {
  const { root, leaf } = opensslChain(['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'sha256', { serial: '0' });
  const input = { leaf, trust: trustAnchorsFrom([root], '--cacert'), purpose: 'server' as const, host: 'weak.test', at: new Date() };
  const lenient = verifyChain(input);
  assert.ok(lenient.valid, lenient.verdict);
  assert.match(lenient.warnings[0]?.summary ?? '', /serial number 0/);
  const strict = verifyChain({ ...input, strict: true });
  assert.equal(strict.valid, false);
  assert.equal(strict.problems[0]?.code, 'MTLS_CHAIN_PROFILE');
});

test('path building backtracks, whatever the order of --untrusted: an expired or non-CA twin is passed over', async () => {
  const root = await issue({ name: 'PB Root', ca: true }, NOW);
  const good = await issue({ name: 'Twin CA', issuer: root, ca: true }, NOW);
  // The same name and key, expired: the leaf's signature verifies with both.
  const expired: Issued = {
    name: 'Twin CA',
    keys: good.keys,
    cert: await x509.X509CertificateGenerator.create({
      serialNumber: '7777', subject: 'CN=Twin CA', issuer: root.cert.subject, notBefore: new Date(NOW.getTime() - 90 * DAY), notAfter: new Date(NOW.getTime() - DAY),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: good.keys.publicKey, signingKey: root.keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true), await x509.SubjectKeyIdentifierExtension.create(good.keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey)],
    }),
  };
  // The same name and key again, valid now but not a CA (basicConstraints CA:FALSE).
  const notCa: Issued = {
    name: 'Twin CA',
    keys: good.keys,
    cert: await x509.X509CertificateGenerator.create({
      serialNumber: '7778', subject: 'CN=Twin CA', issuer: root.cert.subject, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 30 * DAY),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: good.keys.publicKey, signingKey: root.keys.privateKey,
      extensions: [new x509.BasicConstraintsExtension(false, undefined, true), await x509.SubjectKeyIdentifierExtension.create(good.keys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey)],
    }),
  };
  const leaf = await server('twin.test', good);
  for (const order of [[expired, notCa, good], [notCa, good, expired], [good, expired, notCa]]) {
    const result = await verify(leaf, root, order, { host: 'twin.test' });
    assert.ok(result.valid, result.verdict);
    assert.equal(result.path[1]?.fingerprintSha256, parsed(good).facts.fingerprintSha256);
  }
  // With only the expired twin, the verdict names its real defect, not a missing root.
  const only = await verify(leaf, root, [expired], { host: 'twin.test' });
  assert.equal(only.valid, false);
  assert.equal(only.problems[0]?.rule, 'expired', only.verdict);
  assert.equal(only.problems[0]?.position, 1);
});

test('path building is bounded: 40 intermediates end in a finding, not a crash, and --max-depth limits the path', async () => {
  const root = await issue({ name: 'Deep Root', ca: true }, NOW);
  const chain: Issued[] = [];
  let issuer = root;
  for (let i = 0; i < 40; i++) {
    issuer = await issue({ name: `Deep CA ${i}`, issuer, ca: true }, NOW);
    chain.push(issuer);
  }
  const leaf = await server('deep.test', issuer);
  const result = await verify(leaf, root, chain.reverse());
  assert.equal(result.valid, false);
  assert.equal(result.problems[0]?.code, 'MTLS_CHAIN_TOO_DEEP', result.verdict);
  const two = await issue({ name: 'Depth CA 2', issuer: await issue({ name: 'Depth CA 1', issuer: root, ca: true }, NOW), ca: true }, NOW);
  const one = chain.length; // keep the variable used
  assert.ok(one > 0);
  const shortLeaf = await server('short.test', two);
  const pool = [parsed(two)];
  const first = verifyChain({ leaf: parsed(shortLeaf), untrusted: pool, trust: trustAnchorsFrom([parsed(root)], '--cacert'), purpose: 'server', at: NOW });
  assert.equal(first.valid, false, 'Depth CA 1 is missing');
});

test('--max-depth: two intermediates pass with 2 and fail with 1', async () => {
  const root = await issue({ name: 'MD Root', ca: true }, NOW);
  const a = await issue({ name: 'MD A', issuer: root, ca: true }, NOW);
  const b = await issue({ name: 'MD B', issuer: a, ca: true }, NOW);
  const leaf = await server('md.test', b);
  assert.ok((await verify(leaf, root, [a, b], { maxDepth: 2 })).valid);
  const tooDeep = await verify(leaf, root, [a, b], { maxDepth: 1 });
  assert.equal(tooDeep.valid, false);
  assert.equal(tooDeep.problems[0]?.code, 'MTLS_CHAIN_TOO_DEEP', tooDeep.verdict);
});

async function crlOf(issuer: Issued, serials: string[], extensions: x509.Extension[] = [new x509.Extension('2.5.29.20', false, Uint8Array.from([0x02, 0x01, 0x01]))], nextUpdate = new Date(NOW.getTime() + DAY)) {
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuer.cert.subject, thisUpdate: new Date(NOW.getTime() - DAY), nextUpdate, signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, signingKey: issuer.keys.privateKey,
    entries: serials.map((serialNumber) => ({ serialNumber, revocationDate: new Date(NOW.getTime() - DAY) })), extensions,
  });
  return parseCrl(new Uint8Array(crl.rawData), 'test.crl');
}

test('CRLs: a revoked leaf fails; one not listed passes; a stale CRL, a CRL without cRLNumber and a delta CRL are refused', async () => {
  const root = await issue({ name: 'CRL Root', ca: true }, NOW);
  const leaf = await server('crl.test', root);
  const serial = parsed(leaf).facts.serialNumber;
  const revoked = await verify(leaf, root, [], { crls: [await crlOf(root, [serial])] });
  assert.equal(revoked.valid, false);
  assert.equal(revoked.problems[0]?.code, 'MTLS_CHAIN_REVOKED', revoked.verdict);
  assert.ok((await verify(leaf, root, [], { crls: [await crlOf(root, ['7F7F'])] })).valid);
  const stale = await verify(leaf, root, [], { crls: [await crlOf(root, [], undefined, new Date(NOW.getTime() - 1000))] });
  assert.match(stale.verdict, /expired at/);
  assert.match((await verify(leaf, root, [], { crls: [await crlOf(root, [], [])] })).verdict, /no cRLNumber/);
  const delta = await crlOf(root, [], [new x509.Extension('2.5.29.20', false, Uint8Array.from([0x02, 0x01, 0x02])), new x509.Extension('2.5.29.27', true, Uint8Array.from([0x02, 0x01, 0x01]))]);
  assert.match((await verify(leaf, root, [], { crls: [delta] })).verdict, /delta CRL/);
  // Another CA's CRL listing the same serial says nothing about this certificate.
  const other = await issue({ name: 'CRL Root', ca: true }, NOW);
  const unrelated = await verify(leaf, root, [], { crls: [await crlOf(other, [serial])] });
  assert.equal(unrelated.problems[0]?.code, 'MTLS_CHAIN_CRL_INVALID', 'a CRL with the right name but a foreign signature is refused');
});

test('an empty-subject certificate (SAN only, critical) verifies; a non-critical SAN with an empty subject does not', async () => {
  const root = await issue({ name: 'Empty Root', ca: true }, NOW);
  const make = async (critical: boolean) => {
    const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: critical ? '0c01' : '0c02', subject: '', issuer: root.cert.subject, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + DAY),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: keys.publicKey, signingKey: root.keys.privateKey,
      extensions: [await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey), new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'empty.test' }], critical), new x509.ExtendedKeyUsageExtension(SERVER)],
    });
    return { name: 'empty', cert, keys } as Issued;
  };
  const good = await verify(await make(true), root, [], { host: 'empty.test' });
  assert.ok(good.valid, good.verdict);
  assert.equal(good.path[0]?.subject, '');
  const bad = await verify(await make(false), root, [], { host: 'empty.test' });
  assert.match(bad.verdict, /empty subject but a non-critical subjectAltName/);
});

test('a certificate with only a CN is refused for its host everywhere, and the message says Node alone would accept it', async () => {
  const { serverIdentityError } = await import('../../src/tls/identity.js');
  const peer = { subject: { CN: 'cn-only.test' }, subjectaltname: undefined } as unknown as import('node:tls').PeerCertificate;
  const error = serverIdentityError('cn-only.test', peer);
  assert.ok(error, 'request, doctor and the library refuse it (Node alone would not)');
  assert.match(error.message, /Node would accept it .* by its CN "cn-only\.test", but browsers and Go refuse it/);
  const root = await issue({ name: 'CN Root', ca: true }, NOW);
  const leaf = await issue({ name: 'cn-only.test', issuer: root, eku: SERVER }, NOW);
  const result = await verify(leaf, root, [], { host: 'cn-only.test' });
  assert.equal(result.problems[0]?.rule, 'host');
  assert.match(result.verdict, /Node alone would accept it by its CN 'cn-only\.test'; browsers and Go refuse/);
});

test('a wildcard over a public suffix: *.co.uk never matches; *.s3.amazonaws.com (private section) is a warning, an error with --strict', async () => {
  const { matchHost } = await import('../../src/core/chain/host.js');
  const dns = (...values: string[]) => values.map((value) => ({ type: 'DNS' as const, value }));
  assert.equal(matchHost('example.co.uk', dns('*.co.uk')).matched, null);
  assert.deepEqual(matchHost('example.co.uk', dns('*.co.uk')).overPublicSuffix, { pattern: '*.co.uk', section: 'icann' });
  assert.equal(matchHost('foo.example.co.uk', dns('*.example.co.uk')).matched, '*.example.co.uk', 'a registrable domain under it is fine');
  assert.equal(matchHost('a.example.test', dns('*.example.test')).matched, '*.example.test', 'a name the list does not know keeps its wildcard');
  assert.equal(matchHost('bucket.s3.amazonaws.com', dns('*.s3.amazonaws.com')).matched, '*.s3.amazonaws.com');

  const root = await issue({ name: 'PSL Root', ca: true }, NOW);
  const icann = await server('psl-icann', root, { dns: ['*.co.uk'] });
  const r1 = await verify(icann, root, [], { host: 'example.co.uk' });
  assert.equal(r1.valid, false);
  assert.equal(r1.problems[0]?.rule, 'host');
  assert.match(r1.verdict, /wildcard \*\.co\.uk matches nothing: its base is a public suffix/);
  const privateSuffix = await server('psl-private', root, { dns: ['*.s3.amazonaws.com'] });
  const r2 = await verify(privateSuffix, root, [], { host: 'bucket.s3.amazonaws.com' });
  assert.equal(r2.valid, true, r2.verdict);
  assert.ok(r2.warnings.some((w) => /public suffix \(private section/.test(w.summary)));
  const r3 = await verify(privateSuffix, root, [], { host: 'bucket.s3.amazonaws.com', strict: true });
  assert.equal(r3.valid, false);
  assert.equal(r3.problems[0]?.rule, 'host');
});

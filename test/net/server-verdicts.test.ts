/**
 * `request`, `doctor`, `chain verify` and the library agree on what is valid: the same server
 * chains (limbo-like cases) served by Node's tls.createServer on 127.0.0.1, each judged by all
 * four. Before mtls applied chain verify's checks on top of Node's TLS verification, request,
 * doctor and the library accepted what Node accepts and chain verify refuses: the wildcard under
 * an excluded subtree (CVE-2025-61727), the CA without an authorityKeyIdentifier, the RSA-1024
 * leaf and the wildcard over a public suffix. Node itself refuses the SHA-1 intermediate, the CN-only leaf (with mtls's identity
 * check), the name-constraint violation and the expired intermediate.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fetch as undiciFetch } from 'undici';
import { x509 } from '../../src/core/pki/x509.js';
import { createMtlsAgent, MtlsError } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { issue, nameConstraints, type Issued } from '../unit/chain-corpus.js';

const NOW = new Date();
const DAY = 86_400_000;
const SERVER_EKU = ['1.3.6.1.5.5.7.3.1'];
const dir = mkdtempSync(join(tmpdir(), 'mtls-verdicts-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const pem = (i: Issued) => i.cert.toString('pem') + '\n';
const keyPem = async (i: Issued) => {
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', i.keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
};

/** A CA signed by `issuer` with a chosen hash, and without the authorityKeyIdentifier when asked. */
async function ca(name: string, issuer: Issued, options: { hash?: string; aki?: boolean; notAfter?: Date; extensions?: x509.Extension[] } = {}): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Math.floor(Math.random() * 1e9).toString(16).padStart(8, '1'), subject: `CN=${name}`, issuer: issuer.cert.subject,
    notBefore: new Date(NOW.getTime() - 30 * DAY), notAfter: options.notAfter ?? new Date(NOW.getTime() + 365 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: options.hash ?? 'SHA-256' }, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ...(options.aki === false ? [] : [await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey)]),
      ...(options.extensions ?? []),
    ],
  });
  return { name, cert, keys };
}

interface Case {
  name: string;
  valid: boolean;
  leaf: Issued;
  intermediate: Issued;
}

const root = await issue({ name: 'Verdicts Root', ca: true }, NOW);
const leafOf = (issuer: Issued, extra: { dns?: string[]; name?: string } = {}) =>
  issue({ name: extra.name ?? 'localhost', issuer, eku: SERVER_EKU, keyUsage: x509.KeyUsageFlags.digitalSignature, dns: extra.dns ?? ['localhost'] }, NOW);

const good = await ca('Good CA', root);
const sha1 = await ca('SHA-1 CA', root, { hash: 'SHA-1' });
const expired = await ca('Expired CA', root, { notAfter: new Date(NOW.getTime() - DAY) });
const permitsOther = await ca('Permits other.test', root, { extensions: [nameConstraints({ permitted: ['DNS:other.test'] })] });
const excludesBar = await ca('Excludes bar.example.test', root, { extensions: [nameConstraints({ excluded: ['DNS:bar.example.test'] })] });
const noAki = await ca('No AKI CA', root, { aki: false });
const cases: Case[] = [
  { name: 'a good chain', valid: true, intermediate: good, leaf: await leafOf(good) },
  { name: 'a SHA-1 intermediate', valid: false, intermediate: sha1, leaf: await leafOf(sha1) },
  { name: 'a CN-only leaf', valid: false, intermediate: good, leaf: await issue({ name: 'localhost', issuer: good, eku: SERVER_EKU }, NOW) },
  { name: 'a name-constraint violation', valid: false, intermediate: permitsOther, leaf: await leafOf(permitsOther) },
  { name: 'an expired intermediate', valid: false, intermediate: expired, leaf: await leafOf(expired) },
  { name: 'a wildcard under an excluded name (CVE-2025-61727)', valid: false, intermediate: excludesBar, leaf: await leafOf(excludesBar, { dns: ['*.example.test'], name: 'wild' }) },
  { name: 'a CA without authorityKeyIdentifier (RFC 5280 profile)', valid: false, intermediate: noAki, leaf: await leafOf(noAki) },
];
// An RSA-1024 leaf: Node's default security level (1) accepts it; level 2, browsers and Go do not.
const rsaKeys = (await crypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
const rsaLeaf: Issued = {
  name: 'localhost', keys: rsaKeys,
  cert: await x509.X509CertificateGenerator.create({
    serialNumber: '0a1024', subject: 'CN=localhost', issuer: good.cert.subject, notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 30 * DAY),
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, publicKey: rsaKeys.publicKey, signingKey: good.keys.privateKey,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'localhost' }]), new x509.ExtendedKeyUsageExtension(SERVER_EKU),
      await x509.SubjectKeyIdentifierExtension.create(rsaKeys.publicKey), await x509.AuthorityKeyIdentifierExtension.create(good.keys.publicKey)],
  }),
};
cases.push({ name: 'an RSA-1024 leaf', valid: false, intermediate: good, leaf: rsaLeaf });
// Node's checkServerIdentity accepts a wildcard of three labels; the Public Suffix List says *.co.uk covers no one's name.
cases.push({ name: 'a wildcard over a public suffix (*.co.uk)', valid: false, intermediate: good, leaf: await leafOf(good, { dns: ['*.co.uk'], name: 'psl' }) });
const rootFile = join(dir, 'root.pem');
writeFileSync(rootFile, pem(root));

/** Each case's server, its files, and the host to ask for. */
async function serve(c: Case, i: number): Promise<{ url: string; host: string; leafFile: string; intFile: string; server: Server }> {
  const leafFile = join(dir, `leaf-${i}.pem`);
  const intFile = join(dir, `int-${i}.pem`);
  writeFileSync(leafFile, pem(c.leaf));
  writeFileSync(intFile, pem(c.intermediate));
  // SECLEVEL 0 on the server only: Node refuses to even load a SHA-1 signed chain otherwise (the peer under test is the client).
  const server = createServer({ cert: pem(c.leaf) + pem(c.intermediate), key: await keyPem(c.leaf), ciphers: 'DEFAULT:@SECLEVEL=0' }, (socket) => {
    socket.on('error', () => {});
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // Connected to localhost (127.0.0.1) always; --servername (SNI and the name checked) says which host is asked for.
  const host = c.leaf.name === 'wild' ? 'bar.example.test' : c.leaf.name === 'psl' ? 'example.co.uk' : 'localhost';
  return { url: `https://localhost:${(server.address() as AddressInfo).port}/`, host, leafFile, intFile, server };
}

for (const [i, c] of cases.entries()) {
  test(`${c.name}: request, doctor, chain verify and the library all say ${c.valid ? 'valid' : 'invalid'}`, { timeout: 120_000 }, async () => {
    const s = await serve(c, i);
    try {
      const name = ['--servername', s.host];
      const verify = await runCli(['chain', 'verify', s.leafFile, '--untrusted', s.intFile, '--cacert', rootFile, '--purpose', 'server', '--host', s.host]);
      const request = await runCli(['request', s.url, '--cacert', rootFile, ...name]);
      const doctor = await runCli(['doctor', s.url, '--cacert', rootFile, ...name]);
      const agent = createMtlsAgent({ ca: rootFile, servername: s.host });
      const library = await undiciFetch(s.url, { dispatcher: agent }).then(
        (r) => ({ ok: r.status === 200, code: null as string | null }),
        (e: { cause?: unknown }) => ({ ok: false, code: e.cause instanceof MtlsError ? e.cause.code : String(e) }),
      );
      await agent.close();
      const verdicts = { verify: verify.code === 0, request: request.code === 0, doctor: doctor.code === 0, library: library.ok };
      const expected = { verify: c.valid, request: c.valid, doctor: c.valid, library: c.valid };
      assert.deepEqual(verdicts, expected, JSON.stringify({ verify: verify.stdout, request: request.stderr, doctor: doctor.stdout.slice(0, 3000), library }, null, 1));
      for (const r of [verify, request, doctor]) assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    } finally {
      s.server.close();
    }
  });
}

/**
 * summarizeCertificate (the quick DER read behind `mtls expiry`) against Node's X509Certificate,
 * field by field, over the fixtures and over certificates made to be awkward: names that need
 * escaping or another string type, multi-valued RDNs, CA flags OpenSSL may refuse, both time forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from '../../src/core/pki/x509.js';
import { summarizeCertificate } from '../../src/core/certificate/summary.js';
import { ROOT } from '../helpers/cli.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;

async function make(subject: string, options: { issuer?: string; extensions?: x509.Extension[]; notAfter?: Date } = {}): Promise<Buffer> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a1b',
    subject,
    issuer: options.issuer ?? subject,
    notBefore: new Date(Date.UTC(2024, 0, 1, 12, 30, 15)),
    notAfter: options.notAfter ?? new Date(Date.UTC(2034, 5, 30, 23, 59, 59)),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    ...(options.extensions ? { extensions: options.extensions } : {}),
  });
  return Buffer.from(cert.rawData);
}

function assertSameAsNode(der: Buffer, label: string): void {
  const native = new X509Certificate(der);
  const quick = summarizeCertificate(der);
  assert.equal(quick.subject, native.subject, `${label}: subject`);
  assert.equal(quick.issuer, native.issuer, `${label}: issuer`);
  assert.equal(quick.ca, native.ca, `${label}: ca`);
  assert.equal(quick.fingerprint256, native.fingerprint256, `${label}: fingerprint`);
  assert.equal(new Date(quick.validFrom).toISOString(), new Date(native.validFrom).toISOString(), `${label}: notBefore`);
  assert.equal(new Date(quick.validTo).toISOString(), new Date(native.validTo).toISOString(), `${label}: notAfter`);
}

function fixtureCertificates(): [string, Buffer][] {
  const dir = join(ROOT, 'fixtures/credentials');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.pem') || name.endsWith('.der'))
    .flatMap((name) => {
      const bytes = readFileSync(join(dir, name));
      if (name.endsWith('.der')) return bytes[0] === 0x30 && !name.includes('key') ? [[name, bytes] as [string, Buffer]] : [];
      const blocks = [...bytes.toString('latin1').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
      return blocks.map((m, i) => [`${name} #${i + 1}`, Buffer.from(m[1] ?? '', 'base64')] as [string, Buffer]);
    });
}

test('every fixture certificate summarises exactly as Node reads it', () => {
  const certificates = fixtureCertificates();
  assert.ok(certificates.length >= 10);
  for (const [label, der] of certificates) assertSameAsNode(der, label);
});

test('plain leaf certificates take the quick path; the result still equals Node', async () => {
  const plain = await make('C=DE, O=Example GmbH, OU=Platform team, CN=api.example.com', { issuer: 'C=DE, O=Example GmbH, CN=Example Issuing CA 1' });
  assert.ok(!(summarizeCertificate(plain) instanceof X509Certificate));
  assertSameAsNode(plain, 'plain');
  const leafWithBasic = await make('CN=leaf', { extensions: [new x509.BasicConstraintsExtension(false, undefined, true)] });
  assert.ok(!(summarizeCertificate(leafWithBasic) instanceof X509Certificate));
  assertSameAsNode(leafWithBasic, 'basicConstraints cA FALSE');
});

test('awkward names, CA flags and dates give the same answer as Node', async () => {
  const cases: [string, Buffer][] = [
    ['comma in a value', await make('CN=Doe\\, John, O=Example')],
    ['plus, quotes, angle brackets', await make('CN=a\\+b \\"c\\" \\<d\\>')],
    ['leading hash and spaces', await make('CN=\\#tag, O=\\ padded\\ ')],
    ['non-ASCII UTF-8', await make('CN=Zoë Müller, O=Bücher')],
    ['multi-valued RDN', await make('CN=alice+OU=dev, O=Example')],
    ['unlisted attribute', await make('CN=alice, 2.5.4.65=pseudonym')],
    ['email and domain components', await make('E=ops@example.com, DC=example, DC=com, CN=ops')],
    ['CA with keyCertSign', await make('CN=Root', { extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)] })],
    ['CA without keyCertSign', await make('CN=Odd CA', { extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)] })],
    ['intermediate CA', await make('CN=Intermediate', { issuer: 'CN=Root', extensions: [new x509.BasicConstraintsExtension(true, 0, true)] })],
    ['GeneralizedTime after 2049', await make('CN=long-lived', { notAfter: new Date(Date.UTC(2075, 1, 28, 6, 0, 0)) })],
  ];
  for (const [label, der] of cases) assertSameAsNode(der, label);
});

test('bytes that are not a certificate throw, as X509Certificate does', () => {
  const der = fixtureCertificates()[0]?.[1] as Buffer;
  assert.throws(() => summarizeCertificate(der.subarray(0, der.length - 10)));
  assert.throws(() => summarizeCertificate(Buffer.from('30030201ff', 'hex')));
});

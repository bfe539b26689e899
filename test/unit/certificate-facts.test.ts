/**
 * parseCertificate reads plain certificates with the DER walker (facts.ts, extensions.ts) instead
 * of @peculiar/asn1-x509. Here both readers see the same certificates: the fixtures, certificates
 * made with every extension `inspect` shows, awkward extension values, and seeded bit flips. They
 * must agree on every fact, or fail with the same diagnosis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from '../../src/core/pki/x509.js';
import { quickParts } from '../../src/core/certificate/facts.js';
import { parseCertificate, parseCertificateWithSchema } from '../../src/core/certificate/parse.js';
import { flipBit, fuzzSeed, seededRandom } from '../helpers/mutate.js';
import { ROOT } from '../helpers/cli.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;

async function make(extensions: x509.Extension[], subject = 'CN=facts.example'): Promise<Buffer> {
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '0a1b',
    subject,
    issuer: 'CN=Facts CA',
    notBefore: new Date(Date.UTC(2024, 0, 1)),
    notAfter: new Date(Date.UTC(2034, 0, 1)),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: keys.privateKey,
    extensions,
  });
  return Buffer.from(cert.rawData);
}

/** An extension with a hand-written DER value (hex). */
const raw = (oid: string, hex: string, critical = false) => new x509.Extension(oid, critical, Buffer.from(hex, 'hex'));

function outcome(read: () => { facts: unknown }): unknown {
  try {
    return { facts: read().facts };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    return { code, message };
  }
}

function assertSameFacts(der: Buffer, label: string): void {
  assert.deepEqual(outcome(() => parseCertificate(der, label)), outcome(() => parseCertificateWithSchema(der, label)), label);
}

function fixtureCertificates(): [string, Buffer][] {
  const dir = join(ROOT, 'fixtures/credentials');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.pem'))
    .flatMap((name) =>
      [...readFileSync(join(dir, name), 'latin1').matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map(
        (m, i) => [`${name} #${i + 1}`, Buffer.from(m[1] ?? '', 'base64')] as [string, Buffer],
      ),
    );
}

test('every fixture certificate takes the quick path and gives the schema reader\'s facts', () => {
  const certificates = fixtureCertificates();
  assert.ok(certificates.length >= 10);
  for (const [label, der] of certificates) {
    assert.ok(quickParts(der), `${label}: quick path`);
    assertSameFacts(der, label);
  }
});

test('every extension inspect shows reads the same, in the forms certificates use', async () => {
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey);
  const subjectKeyId = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const cases: [string, x509.Extension[]][] = [
    ['no extensions', []],
    ['leaf', [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2', '1.2.3.4.5']),
      new x509.SubjectAlternativeNameExtension([
        { type: 'dns', value: 'api.example.com' },
        { type: 'ip', value: '10.1.2.3' },
        { type: 'ip', value: '2001:db8::1' },
        { type: 'ip', value: '::' },
        { type: 'ip', value: '1:0:0:2:0:0:0:3' },
        { type: 'email', value: 'ops@example.com' },
        { type: 'url', value: 'spiffe://example.org/svc' },
      ]),
      subjectKeyId,
      authorityKeyId,
      new x509.AuthorityInfoAccessExtension({ ocsp: ['http://ocsp.example.com'], caIssuers: ['http://ca.example.com/ca.crt'] }),
      new x509.CRLDistributionPointsExtension(['http://crl.example.com/a.crl', 'http://crl.example.com/b.crl']),
    ]],
    ['CA', [new x509.BasicConstraintsExtension(true, 2, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.decipherOnly, true)]],
    ['every key usage', [new x509.KeyUsagesExtension(0x1ff)]],
    ['SAN with a directory name', [new x509.SubjectAlternativeNameExtension([{ type: 'dn', value: 'CN=x' }, { type: 'dns', value: 'a.example' }])]],
    ['SAN with a registered ID', [new x509.SubjectAlternativeNameExtension([{ type: 'id', value: '1.2.3.4' }])]],
  ];
  for (const [label, extensions] of cases) {
    const der = await make(extensions);
    assertSameFacts(der, label);
    if (!label.includes('directory') && !label.includes('registered')) assert.ok(quickParts(der), `${label}: quick path`);
  }
});

test('awkward extension values read the same as with the schema', async () => {
  const cases: [string, x509.Extension[]][] = [
    ['empty EKU', [raw('2.5.29.37', '3000')]],
    ['EKU that is not a SEQUENCE', [raw('2.5.29.37', '0603550401')]],
    ['key usage, 7 unused bits', [raw('2.5.29.15', '030207ff')]],
    ['key usage, two bytes', [raw('2.5.29.15', '03030080ff')]],
    ['key usage, no bits', [raw('2.5.29.15', '0301')]],
    ['basicConstraints with pathLen only', [raw('2.5.29.19', '3003020105')]],
    ['basicConstraints cA 0x01', [raw('2.5.29.19', '30030101 01'.replace(' ', ''))]],
    ['basicConstraints huge pathLen', [raw('2.5.29.19', '30090101ff020500ffffffff')]],
    ['basicConstraints trailing bytes', [raw('2.5.29.19', '30030101ff00')]],
    ['truncated SAN', [raw('2.5.29.17', '300a8208612e6578')]],
    ['SAN with an 8-byte IP', [raw('2.5.29.17', '300a87080a0000000ffffff00')]],
    ['SAN with non-ASCII DNS', [raw('2.5.29.17', '30058203c3a978')]],
    ['AKI with issuer and serial', [raw('2.5.29.35', '3016800401020304a10aa4083006310430020600820203e8'.slice(0, 48))]],
    ['AKI serial only', [raw('2.5.29.35', '3004820203e8')]],
    ['SKI that is not an OCTET STRING', [raw('2.5.29.14', '020101')]],
    ['AIA with a DNS location', [raw('1.3.6.1.5.5.7.1.1', '3015301306082b060105050730018207612e6578616d70')]],
    ['CRL DP with reasons', [raw('2.5.29.31', '3012301030' + '0ba009a0078605687474703a')]],
    ['duplicate SAN', [raw('2.5.29.17', '30058203612e62'), raw('2.5.29.17', '30058203632e64')]],
    ['OID with a huge arc', [raw('2.5.29.37', '300b0609 2b8fffffffffff7f01'.replace(' ', ''))]],
  ];
  for (const [label, extensions] of cases) assertSameFacts(await make(extensions), label);
});

test('seeded bit flips over the fixtures: the same facts or the same diagnosis', () => {
  const random = seededRandom(fuzzSeed());
  for (const [label, der] of fixtureCertificates().slice(0, 6)) {
    for (let round = 0; round < 150; round++) {
      const at = random.int(der.length);
      const bit = random.int(8);
      assertSameFacts(flipBit(der, at, bit), `${label}, byte ${at} bit ${bit}`);
    }
  }
});

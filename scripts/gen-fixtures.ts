// Regenerates fixtures/credentials/: run `node --import tsx scripts/gen-fixtures.ts` (needs openssl
// for the PKCS#12 files). Long-lived certificates are valid until 2126; the expired one is
// deliberately expired (2001). Every fixture is named after what is special about it.
import 'reflect-metadata';
import { webcrypto, KeyObject, X509Certificate } from 'node:crypto';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const dir = new URL('../fixtures/credentials/', import.meta.url).pathname;
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const out = (name: string, data: string | Uint8Array) => writeFileSync(join(dir, name), data);

const ec = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const sign = { name: 'ECDSA', hash: 'SHA-256' } as const;
const FAR = new Date('2126-01-01T00:00:00Z');
const START = new Date('2024-01-01T00:00:00Z');
let serial = 0x1000;

async function keys() {
  return (await webcrypto.subtle.generateKey(ec, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function ca(name: string, issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair } | null, pathLength?: number) {
  const pair = await keys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: `CN=${name}, O=mtls fixtures`,
    issuer: issuer ? issuer.cert.subject : `CN=${name}, O=mtls fixtures`,
    notBefore: START,
    notAfter: FAR,
    signingAlgorithm: sign,
    publicKey: pair.publicKey,
    signingKey: (issuer?.keys ?? pair).privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(pair.publicKey),
      ...(issuer ? [await x509.AuthorityKeyIdentifierExtension.create(issuer.cert)] : []),
    ],
  });
  return { cert, keys: pair };
}

async function leaf(name: string, issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair }, eku: string, notBefore = START, notAfter = FAR) {
  const pair = await keys();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16),
    subject: `CN=${name}, O=mtls fixtures`,
    issuer: issuer.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: sign,
    publicKey: pair.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([eku]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: `${name}.example` }, { type: 'url', value: `spiffe://example.org/${name}` }]),
      await x509.SubjectKeyIdentifierExtension.create(pair.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
    ],
  });
  return { cert, keys: pair };
}

const pem = (c: x509.X509Certificate) => c.toString('pem') + '\n';
const nodeKey = (k: CryptoKey) => KeyObject.from(k);

const root = await ca('mtls fixtures root', null);
const intermediate = await ca('mtls fixtures intermediate', root, 0);
const client = await leaf('client', intermediate, '1.3.6.1.5.5.7.3.2');
const server = await leaf('server', intermediate, '1.3.6.1.5.5.7.3.1');
const expired = await leaf('expired-client', intermediate, '1.3.6.1.5.5.7.3.2', new Date('2000-01-01T00:00:00Z'), new Date('2001-01-01T00:00:00Z'));

out('root-ca.pem', pem(root.cert));
out('intermediate-ca.pem', pem(intermediate.cert));
out('client.pem', pem(client.cert));
out('client.der', new Uint8Array(client.cert.rawData));
out('client.pem.b64', Buffer.from(pem(client.cert)).toString('base64') + '\n');
out('client-chain-in-order.pem', pem(client.cert) + pem(intermediate.cert) + pem(root.cert));
out('client-chain-reversed.pem', pem(root.cert) + pem(intermediate.cert) + pem(client.cert));
out('client-chain-missing-intermediate.pem', pem(client.cert) + pem(root.cert));
out('client-chain-with-duplicate-and-extra.pem', pem(client.cert) + pem(intermediate.cert) + pem(intermediate.cert) + pem(server.cert));
out('server-fullchain.pem', pem(server.cert) + pem(intermediate.cert));
out('expired-client.pem', pem(expired.cert));

const clientKey = nodeKey(client.keys.privateKey);
out('client-key-pkcs8.pem', clientKey.export({ type: 'pkcs8', format: 'pem' }));
out('client-key-sec1.pem', clientKey.export({ type: 'sec1', format: 'pem' }));
out('client-key-pkcs8.der', clientKey.export({ type: 'pkcs8', format: 'der' }));
out('client-key-pkcs8-encrypted-aes256.pem', clientKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'fixture-pass' }));
out('client-key-sec1-traditional-encrypted-aes128.pem', clientKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-128-cbc', passphrase: 'fixture-pass' }));
out('client-key-pkcs8-encrypted.der', clientKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'fixture-pass' }));
out('client-cert-and-key.pem', pem(client.cert) + clientKey.export({ type: 'pkcs8', format: 'pem' }));
out('server-key-pkcs8.pem', nodeKey(server.keys.privateKey).export({ type: 'pkcs8', format: 'pem' }));

// RSA in PKCS#1 ("BEGIN RSA PRIVATE KEY"), the form older tooling writes.
const rsa = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
out('rsa-2048-key-pkcs1.pem', nodeKey(rsa.privateKey).export({ type: 'pkcs1', format: 'pem' }));

const csr = await x509.Pkcs10CertificateRequestGenerator.create({
  name: 'CN=csr-client, O=mtls fixtures',
  keys: await keys(),
  signingAlgorithm: sign,
  extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: 'csr-client.example' }])],
});
out('client.csr', csr.toString('pem') + '\n');

// PKCS#12 through openssl, as users get them: modern (AES-256, SHA-256 MAC) and legacy (RC2-40 + 3DES, SHA-1 MAC).
const p12 = (name: string, extra: string[]) =>
  execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'client.pem'), '-inkey', join(dir, 'client-key-pkcs8.pem'), '-certfile', join(dir, 'intermediate-ca.pem'), '-name', 'client', '-passout', 'pass:fixture-pass', '-out', join(dir, name), ...extra]);
p12('client-modern-aes256.p12', []);
p12('client-legacy-rc2-3des.p12', ['-legacy']);
execFileSync('openssl', ['pkcs12', '-export', '-in', join(dir, 'client.pem'), '-inkey', join(dir, 'client-key-pkcs8.pem'), '-passout', 'pass:', '-out', join(dir, 'client-empty-password.p12')]);

new X509Certificate(pem(client.cert)); // sanity: Node parses what we wrote
console.log(`fixtures written to ${dir}`);

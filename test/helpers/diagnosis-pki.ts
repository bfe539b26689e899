/**
 * A client PKI for the diagnosis tests: one certificate per way a client certificate goes wrong
 * (issue 14's scenarios), made with @peculiar/x509 so dates, key sizes and digests are free.
 * Files are PEM (certificate; PKCS#8 key) in one folder, as a user's PKI folder looks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCertificate, type CertificateFacts } from '../../src/core/certificate/parse.js';
import { x509 } from '../../src/core/pki/x509.js';
import { tempDir } from './tmp.js';

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

interface Made {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
  signing: { name: string; hash?: string; namedCurve?: string };
}

export interface ClientFiles {
  cert: string;
  key: string;
  facts: CertificateFacts[];
}

export interface DiagnosisPki {
  dir: string;
  /** The EC root alone (root.crt holds the RSA roots too). */
  ecRoot: string;
  /** A root named like an inspection product's, and a server certificate (127.0.0.1) it issued. */
  inspection: { ca: string; server: { cert: string; key: string } };
  root: string;
  intermediate: string;
  otherRoot: string;
  server: { cert: string; key: string };
  clients: Record<ClientScenario, ClientFiles>;
}

export type ClientScenario = 'publicCa' | 'shortLived' | 'deepChain' | 'good' | 'expired' | 'notYetValid' | 'serverAuthOnly' | 'otherCa' | 'selfSigned' | 'rsa1024' | 'sha1' | 'leafWithoutIntermediate' | 'leafWithIntermediate';

let serial = 100;

async function make(name: string, options: { subject?: string; issuer?: Made; ca?: boolean; eku?: string[]; san?: string; notBefore?: Date; notAfter?: Date; rsaBits?: number; hash?: string }, now: Date): Promise<Made> {
  const algorithm = options.rsaBits
    ? { name: 'RSASSA-PKCS1-v1_5', modulusLength: options.rsaBits, publicExponent: new Uint8Array([1, 0, 1]), hash: options.hash ?? 'SHA-256' }
    : EC;
  const keys = (await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuer = options.issuer;
  // WebCrypto binds an RSA key to its hash: a SHA-1 signature needs an issuer key made for SHA-1.
  const signing = issuer ? issuer.signing : algorithm;
  const extensions: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  if (options.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (options.rsaBits ? x509.KeyUsageFlags.keyEncipherment : 0), true));
    extensions.push(new x509.ExtendedKeyUsageExtension(options.eku ?? [CLIENT_AUTH]));
  }
  if (options.san) extensions.push(new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: options.san }, { type: 'dns', value: 'localhost' }]));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: options.subject ?? `O=mtls diagnosis tests, CN=${name}`,
    issuer: issuer ? issuer.cert.subject : (options.subject ?? `O=mtls diagnosis tests, CN=${name}`),
    notBefore: options.notBefore ?? new Date(now.getTime() - DAY),
    notAfter: options.notAfter ?? new Date(now.getTime() + 3650 * DAY),
    signingAlgorithm: signing,
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  return { cert, keys, signing: issuer ? issuer.signing : algorithm };
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END PRIVATE KEY-----\n`;
}

export async function makeDiagnosisPki(now = new Date()): Promise<DiagnosisPki> {
  const dir = tempDir('mtls-diagnosis-pki-');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const root = await make('diagnosis root CA', { ca: true }, now);
  const rsaRoot = await make('diagnosis RSA root CA', { ca: true, rsaBits: 2048 }, now);
  const sha1Root = await make('diagnosis SHA-1 root CA', { ca: true, rsaBits: 2048, hash: 'SHA-1' }, now);
  const intermediate = await make('diagnosis intermediate CA', { ca: true, issuer: root }, now);
  const other = await make('diagnosis other CA', { ca: true }, now);
  const server = await make('localhost', { issuer: root, eku: [SERVER_AUTH], san: '127.0.0.1' }, now);
  const specs: Record<ClientScenario, () => Promise<Made[]>> = {
    good: async () => [await make('good client', { issuer: root }, now)],
    expired: async () => [await make('expired client', { issuer: root, notBefore: new Date(now.getTime() - 1900 * DAY), notAfter: new Date(now.getTime() - 1800 * DAY) }, now)],
    notYetValid: async () => [await make('future client', { issuer: root, notBefore: new Date(now.getTime() + 14 * 365 * DAY), notAfter: new Date(now.getTime() + 15 * 365 * DAY) }, now)],
    serverAuthOnly: async () => [await make('server-auth-only client', { issuer: root, eku: [SERVER_AUTH] }, now)],
    otherCa: async () => [await make('other CA client', { issuer: other }, now)],
    selfSigned: async () => [await make('self-signed client', {}, now)],
    rsa1024: async () => [await make('rsa1024 client', { issuer: rsaRoot, rsaBits: 1024 }, now)],
    sha1: async () => [await make('sha1 client', { issuer: sha1Root, rsaBits: 2048 }, now)],
    leafWithoutIntermediate: async () => [await make('intermediate client', { issuer: intermediate }, now)],
    leafWithIntermediate: async () => [await make('chained client', { issuer: intermediate }, now), intermediate],
    publicCa: async () => {
      const r11 = await make('R11', { ca: true, subject: "C=US, O=Let's Encrypt, CN=R11" }, now);
      return [await make('client from a public CA', { issuer: r11 }, now)];
    },
    shortLived: async () => [await make('short-lived client', { issuer: root, notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 10 * 60_000) }, now)],
    // Leaf + two intermediates: deeper than nginx's default ssl_verify_depth of 1.
    deepChain: async () => {
      const second = await make('diagnosis second intermediate CA', { ca: true, issuer: intermediate }, now);
      return [await make('deep client', { issuer: second }, now), second, intermediate];
    },
  };
  const clients = {} as Record<ClientScenario, ClientFiles>;
  for (const [name, spec] of Object.entries(specs) as [ClientScenario, () => Promise<Made[]>][]) {
    const chain = await spec();
    const leaf = chain[0] as Made;
    clients[name] = {
      cert: write(`${name}.crt`, chain.map((c) => c.cert.toString('pem') + '\n').join('')),
      key: write(`${name}.key`, await keyPem(leaf.keys)),
      facts: chain.map((c) => parseCertificate(Buffer.from(c.cert.rawData), name).facts),
    };
  }
  const zscaler = await make('Zscaler Intermediate Root CA (zscaler.net)', { ca: true }, now);
  const intercepted = await make('localhost', { issuer: zscaler, eku: [SERVER_AUTH], san: '127.0.0.1' }, now);
  return {
    dir,
    ecRoot: write('ec-root.crt', root.cert.toString('pem') + '\n'),
    inspection: {
      ca: write('zscaler-root.crt', zscaler.cert.toString('pem') + '\n'),
      server: { cert: write('intercepted.crt', intercepted.cert.toString('pem') + '\n'), key: write('intercepted.key', await keyPem(intercepted.keys)) },
    },
    // The clients' CAs (the RSA roots issue the weak-key and SHA-1 cases).
    root: write('root.crt', [root, rsaRoot, sha1Root].map((c) => c.cert.toString('pem') + '\n').join('')),
    intermediate: write('intermediate.crt', intermediate.cert.toString('pem') + '\n'),
    otherRoot: write('other-root.crt', other.cert.toString('pem') + '\n'),
    server: { cert: write('server.crt', server.cert.toString('pem') + '\n'), key: write('server.key', await keyPem(server.keys)) },
    clients,
  };
}

import { generateKeyPair, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildCertificate, subjectName, subjectOf, type SigningAuthority } from '../../../src/core/pki/certificate.js';
import { parseCertificate } from '../../../src/core/certificate/parse.js';
import { spkiOf, toWebSigningKey } from '../../../src/core/pki/keys.js';
import { randomSerial } from '../../../src/core/pki/serial.js';
import { x509 } from '../../../src/core/pki/x509.js';
import type { Profile } from '../../../src/core/pki/profiles.js';
import type { SanEntry } from '../../../src/core/pki/san.js';
import { toPem } from '../../../src/core/load/pem.js';
import { tempDir } from '../tmp.js';

/**
 * The scenario PKI of the stack matrix, made once per test file with mtls's own certificate
 * builder (EC P-256 everywhere except the RSA-1024 scenario, where RSA is the point):
 *
 *   root ── intermediate ── server leaves, client leaves (good, expired, not yet valid, …)
 *   other root ── other-CA client          self-signed client (its own issuer)
 *
 * Servers trust only `root` for client certificates; clients trust only `root` for the server.
 * Every client leaf is issued by the intermediate and its `cert` file holds leaf + intermediate
 * (the recommended setup), except `missingIntermediate`, whose file holds the leaf alone.
 */
export interface Credential {
  /** The file a client or server sends: leaf, then any intermediates. */
  cert: string;
  key: string;
}

export type ClientScenario =
  | 'good'
  | 'no-cert'
  | 'expired'
  | 'not-yet-valid'
  | 'server-auth-eku'
  | 'other-ca'
  | 'self-signed'
  | 'rsa-1024'
  | 'missing-intermediate'
  | 'wrong-key'
  /** root → intermediate → sub-intermediate → leaf, sent as leaf + both intermediates (a verify depth of 1 refuses it). */
  | 'two-intermediates';

/** Server-side configurations the client meets with a good certificate. */
export type ServerScenario = 'server-chain-incomplete' | 'wrong-host' | 'server-expired';

export interface ScenarioPki {
  dir: string;
  /** The root that servers trust for clients and clients trust for servers. */
  rootCa: string;
  intermediateCa: string;
  /** root + intermediate in one file, for stacks that need the whole path in their CA file. */
  caBundle: string;
  otherRootCa: string;
  /** Client credentials per scenario; null for 'no-cert'. */
  clients: Record<ClientScenario, Credential | null>;
  /** Server credentials: `good` sends leaf + intermediate (SANs 127.0.0.1 and localhost). */
  servers: Record<'good' | ServerScenario, Credential>;
  /** The server leaf and key of `good` in separate files, and the intermediate, for stacks that take them apart. */
  serverParts: { leaf: string; key: string; chain: string };
}

const generate = promisify(generateKeyPair);
const ec = async () => (await generate('ec', { namedCurve: 'P-256' })).privateKey;
const DAY = 86_400_000;
const YEAR = 365 * DAY;

interface Issued {
  authority: SigningAuthority;
  pem: string;
  keyPem: string;
}

async function make(
  profile: Profile,
  name: string,
  key: KeyObject,
  issuer: Issued | null,
  options: { sans?: SanEntry[]; notBefore?: Date; notAfter?: Date } = {},
): Promise<Issued> {
  const now = Date.now();
  const certificate = await buildCertificate({
    profile,
    subject: subjectName({ commonName: name, organization: 'mtls stack matrix' }),
    subjectKey: key,
    sans: options.sans ?? [],
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 10 * YEAR),
    issuer: issuer?.authority,
  });
  return {
    authority: { certificate, key },
    pem: toPem('CERTIFICATE', certificate.der),
    keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** An intermediate CA with a chosen pathLenConstraint (mtls's own profile always sets 0). */
async function intermediateWithPathLength(name: string, key: KeyObject, issuer: Issued, pathLength: number): Promise<Issued> {
  const now = Date.now();
  const signing = await toWebSigningKey(issuer.authority.key);
  const subjectSpki = spkiOf(key);
  const created = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: subjectName({ commonName: name, organization: 'mtls stack matrix' }),
    issuer: subjectOf(issuer.authority.certificate.der, 'certificate'),
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 10 * YEAR),
    publicKey: subjectSpki,
    signingKey: signing.privateKey,
    signingAlgorithm: signing.signingAlgorithm,
    extensions: [
      new x509.BasicConstraintsExtension(true, pathLength, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(subjectSpki),
      await x509.AuthorityKeyIdentifierExtension.create(spkiOf(issuer.authority.key)),
    ],
  });
  const certificate = parseCertificate(Buffer.from(created.rawData), name);
  return { authority: { certificate, key }, pem: toPem('CERTIFICATE', certificate.der), keyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export async function makeScenarioPki(): Promise<ScenarioPki> {
  const dir = tempDir('mtls-stacks-pki-');
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };
  const save = (name: string, leaf: Issued, chain: Issued[] = []): Credential => ({
    cert: write(`${name}.crt`, leaf.pem + chain.map((c) => c.pem).join('')),
    key: write(`${name}.key`, leaf.keyPem),
  });

  const root = await make('root', 'matrix root CA', await ec(), null);
  const intermediate = await make('intermediate', 'matrix intermediate CA', await ec(), root);
  const otherRoot = await make('root', 'unrelated root CA', await ec(), null);
  const serverSans: SanEntry[] = [{ type: 'IP', value: '127.0.0.1' }, { type: 'DNS', value: 'localhost' }];
  const client = (name: string, key: KeyObject, options: Parameters<typeof make>[4] = {}, profile: Profile = 'client') =>
    make(profile, name, key, intermediate, { sans: [{ type: 'URI', value: `spiffe://matrix.test/${name}` }], ...options });

  const now = Date.now();
  const [good, expired, notYetValid, serverAuthEku, otherCa, selfSigned, rsa1024, missingIntermediate, wrongKeyCert] = await Promise.all([
    client('good client', await ec()),
    // Expired since 2021, so no clock skew explains it.
    client('expired client', await ec(), { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }),
    // Starts years ahead: not a skew of minutes.
    client('future client', await ec(), { notBefore: new Date(now + 5 * YEAR), notAfter: new Date(now + 10 * YEAR) }),
    // A client certificate made with the server profile: EKU serverAuth only.
    client('serverauth-only client', await ec(), {}, 'server'),
    make('client', 'other-ca client', await ec(), otherRoot),
    make('client', 'self-signed client', await ec(), null, { sans: [{ type: 'URI', value: 'spiffe://matrix.test/self-signed' }] }),
    client('rsa1024 client', (await generate('rsa', { modulusLength: 1024 })).privateKey),
    client('no-intermediate client', await ec()),
    client('wrong-key client', await ec()),
  ]);
  const strangerKey = await ec();
  // Two intermediates: mtls gives every intermediate pathlen 0, so the upper one (pathlen 1) is made here.
  const deepIntermediate = await intermediateWithPathLength('matrix upper intermediate CA', await ec(), root, 1);
  const deepSub = await make('intermediate', 'matrix lower intermediate CA', await ec(), deepIntermediate);
  const deepLeaf = await make('client', 'two-intermediates client', await ec(), deepSub, { sans: [{ type: 'URI', value: 'spiffe://matrix.test/two-intermediates' }] });

  const [server, serverIncomplete, wrongHost, serverExpired] = await Promise.all([
    make('server', 'matrix server', await ec(), intermediate, { sans: serverSans }),
    make('server', 'matrix server without chain', await ec(), intermediate, { sans: serverSans }),
    make('server', 'wrong.example', await ec(), intermediate, { sans: [{ type: 'DNS', value: 'wrong.example' }] }),
    make('server', 'expired server', await ec(), intermediate, { sans: serverSans, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }),
  ]);

  const pki: ScenarioPki = {
    dir,
    rootCa: write('root-ca.crt', root.pem),
    intermediateCa: write('intermediate-ca.crt', intermediate.pem),
    caBundle: write('ca-bundle.crt', root.pem + intermediate.pem),
    otherRootCa: write('other-root-ca.crt', otherRoot.pem),
    clients: {
      good: save('client-good', good, [intermediate]),
      'no-cert': null,
      expired: save('client-expired', expired, [intermediate]),
      'not-yet-valid': save('client-not-yet-valid', notYetValid, [intermediate]),
      'server-auth-eku': save('client-server-auth-eku', serverAuthEku, [intermediate]),
      'other-ca': save('client-other-ca', otherCa),
      'self-signed': save('client-self-signed', selfSigned),
      'rsa-1024': save('client-rsa-1024', rsa1024, [intermediate]),
      'missing-intermediate': save('client-missing-intermediate', missingIntermediate),
      'two-intermediates': save('client-two-intermediates', deepLeaf, [deepSub, deepIntermediate]),
      'wrong-key': { cert: save('client-wrong-key', wrongKeyCert, [intermediate]).cert, key: write('client-wrong-key-stranger.key', strangerKey.export({ type: 'pkcs8', format: 'pem' }).toString()) },
    },
    servers: {
      good: save('server-good', server, [intermediate]),
      'server-chain-incomplete': save('server-chain-incomplete', serverIncomplete),
      'wrong-host': save('server-wrong-host', wrongHost, [intermediate]),
      'server-expired': save('server-expired', serverExpired, [intermediate]),
    },
    serverParts: { leaf: write('server-good-leaf.crt', server.pem), key: join(dir, 'server-good.key'), chain: write('server-good-chain.crt', intermediate.pem) },
  };
  return pki;
}

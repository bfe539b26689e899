/**
 * A generated PKI for chain tests: every case of the differential test against `openssl verify`
 * (valid client and server chains, 2 and 3 levels, missing intermediate, wrong trust anchor,
 * untrusted root, expired and not-yet-valid links, CA:FALSE issuer, pathLen, EKU, host names).
 * EC P-256 and @peculiar/x509, so dates are free and the whole corpus takes well under a second.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x509 } from '../../src/core/pki/x509.js';
import type { ChainRule } from '../../src/core/chain/types.js';

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface Issued {
  name: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface Spec {
  name: string;
  /** AIA caIssuers URLs, for chain build --fetch. */
  caIssuers?: string[];
  issuer?: Issued;
  ca?: boolean | 'false';
  pathLen?: number;
  eku?: string[];
  keyUsage?: number;
  dns?: string[];
  ips?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** More extensions, as built (name constraints, odd critical ones). */
  extensions?: x509.Extension[];
}

export interface ChainCase {
  name: string;
  /** PEM file with the leaf (and, for one case, its intermediate after it). */
  leaf: string;
  untrusted: string | null;
  cacert: string;
  purpose: 'client' | 'server';
  host?: string;
  /** The rule our verdict must name, or null when the chain is valid. */
  expect: ChainRule | null;
  /** Position of the certificate at fault. */
  position?: number;
}

let serial = 1;

export async function issue(spec: Spec, now: Date): Promise<Issued> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const issuer = spec.issuer;
  const extensions: x509.Extension[] = [await x509.SubjectKeyIdentifierExtension.create(keys.publicKey)];
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  if (spec.ca === true) {
    extensions.push(new x509.BasicConstraintsExtension(true, spec.pathLen, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  } else if (spec.ca === 'false') {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
  }
  if (spec.keyUsage !== undefined) extensions.push(new x509.KeyUsagesExtension(spec.keyUsage, true));
  if (spec.eku) extensions.push(new x509.ExtendedKeyUsageExtension(spec.eku));
  const names = [...(spec.dns ?? []).map((value) => ({ type: 'dns' as const, value })), ...(spec.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  extensions.push(...(spec.extensions ?? []));
  if (spec.caIssuers) extensions.push(new x509.AuthorityInfoAccessExtension({ caIssuers: spec.caIssuers.map((value) => new x509.GeneralName('url', value)) }));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(4, '0'),
    subject: `CN=${spec.name}`,
    issuer: issuer ? issuer.cert.subject : `CN=${spec.name}`,
    notBefore: spec.notBefore ?? new Date(now.getTime() - 30 * DAY),
    notAfter: spec.notAfter ?? new Date(now.getTime() + 3650 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
  return { name: spec.name, cert, keys };
}

/** DER: one tag-length-value (short or long form length). */
function tlv(tag: number, body: Uint8Array): Uint8Array {
  const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([tag, ...length, ...body]);
}
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/**
 * A nameConstraints extension from OpenSSL-style entries: "DNS:.example.com",
 * "IP:10.0.0.0/255.0.0.0", "email:example.com", "URI:.example.com".
 */
export function nameConstraints(entries: { permitted?: string[]; excluded?: string[] }, critical = true): x509.Extension {
  const base = (entry: string): Uint8Array => {
    const [form, value = ''] = entry.split(/:(.*)/s) as [string, string];
    if (form === 'IP') {
      const [address = '', mask = ''] = value.split('/');
      return tlv(0x87, Uint8Array.from([...address.split('.'), ...mask.split('.')].map(Number)));
    }
    const tag = { DNS: 0x82, email: 0x81, URI: 0x86 }[form] ?? 0x82;
    return tlv(tag, new TextEncoder().encode(value));
  };
  const subtrees = (tag: number, list: string[] | undefined) => (list?.length ? [tlv(tag, concat(list.map((e) => tlv(0x30, base(e)))))] : []);
  const value = tlv(0x30, concat([...subtrees(0xa0, entries.permitted), ...subtrees(0xa1, entries.excluded)]));
  return new x509.Extension('2.5.29.30', critical, value);
}

const SERVER = ['1.3.6.1.5.5.7.3.1'];
const CLIENT = ['1.3.6.1.5.5.7.3.2'];
const LEAF_KU = x509.KeyUsageFlags.digitalSignature;

export async function buildChainCorpus(dir: string, now: Date): Promise<ChainCase[]> {
  const write = (file: string, ...certs: Issued[]) => {
    const path = join(dir, file);
    writeFileSync(path, certs.map((c) => c.cert.toString('pem')).join('\n'));
    return path;
  };
  const root = await issue({ name: 'Corpus Root', ca: true }, now);
  const otherRoot = await issue({ name: 'Other Root', ca: true }, now);
  const int = await issue({ name: 'Corpus Intermediate', issuer: root, ca: true }, now);
  const int2 = await issue({ name: 'Corpus Sub Intermediate', issuer: int, ca: true }, now);
  const pathLenZero = await issue({ name: 'PathLen Zero CA', issuer: root, ca: true, pathLen: 0 }, now);
  const underPathLenZero = await issue({ name: 'Below PathLen Zero', issuer: pathLenZero, ca: true }, now);
  const expiredInt = await issue({ name: 'Expired Intermediate', issuer: root, ca: true, notAfter: new Date(now.getTime() - DAY) }, now);
  const futureInt = await issue({ name: 'Future Intermediate', issuer: root, ca: true, notBefore: new Date(now.getTime() + DAY) }, now);
  const serverOnlyInt = await issue({ name: 'Server Only CA', issuer: root, ca: true, eku: SERVER }, now);
  const notCa = await issue({ name: 'Not A CA', issuer: root, ca: 'false' }, now);
  const exampleOnly = await issue({ name: 'Example Only CA', issuer: root, ca: true, extensions: [nameConstraints({ permitted: ['DNS:example.com'], excluded: ['IP:10.0.0.0/255.0.0.0'] })] }, now);
  // An extension no verifier knows, marked critical: it must be refused, not skipped.
  const oddCritical = new x509.Extension('1.3.6.1.4.1.55555.1', true, Uint8Array.from([0x05, 0x00]));

  const server = (name: string, issuer: Issued, extra: Partial<Spec> = {}) =>
    issue({ name, issuer, eku: SERVER, keyUsage: LEAF_KU, dns: ['server.test', '*.wild.test'], ips: ['127.0.0.1'], ...extra }, now);
  const client = (name: string, issuer: Issued, extra: Partial<Spec> = {}) => issue({ name, issuer, eku: CLIENT, keyUsage: LEAF_KU, ...extra }, now);

  const serverLeaf = await server('server.test', int);
  const clientLeaf = await client('alice', int);
  const twoLevel = await server('direct.test', root, { dns: ['direct.test'] });
  const threeLevel = await server('deep.test', int2, { dns: ['deep.test'] });
  const expiredLeaf = await server('expired.test', int, { notAfter: new Date(now.getTime() - DAY) });
  const futureLeaf = await server('future.test', int, { notBefore: new Date(now.getTime() + DAY) });
  const underExpired = await server('under-expired.test', expiredInt);
  const underFuture = await server('under-future.test', futureInt);
  const underNotCa = await server('under-not-ca.test', notCa);
  const tooDeep = await server('too-deep.test', underPathLenZero);
  const clientUnderServerOnly = await client('bob', serverOnlyInt);
  const insideConstraints = await server('api.example.com', exampleOnly, { dns: ['api.example.com'], ips: ['192.168.1.1'] });
  const outsideConstraints = await server('evil.org', exampleOnly, { dns: ['evil.org'], ips: [] });
  const excludedIp = await server('ten.example.com', exampleOnly, { dns: ['ten.example.com'], ips: ['10.1.2.3'] });
  const criticalUnknown = await server('odd.test', int, { extensions: [oddCritical] });
  const clientWrongKu = await client('carol', int, { keyUsage: x509.KeyUsageFlags.keyEncipherment });

  const rootPem = write('root.pem', root);
  const otherRootPem = write('other-root.pem', otherRoot);
  const c = (name: string, leaf: Issued, untrusted: Issued[], rest: Partial<ChainCase> & Pick<ChainCase, 'expect'>): ChainCase => ({
    name,
    leaf: write(`${name}.leaf.pem`, leaf),
    untrusted: untrusted.length > 0 ? write(`${name}.untrusted.pem`, ...untrusted) : null,
    cacert: rootPem,
    purpose: 'server',
    ...rest,
  });
  return [
    c('server-valid', serverLeaf, [int], { host: 'server.test', expect: null }),
    c('client-valid', clientLeaf, [int], { purpose: 'client', expect: null }),
    c('two-level', twoLevel, [], { host: 'direct.test', expect: null }),
    c('three-level', threeLevel, [int, int2], { host: 'deep.test', expect: null }),
    { name: 'bundled-intermediate', leaf: write('bundled.pem', serverLeaf, int), untrusted: null, cacert: rootPem, purpose: 'server', expect: null },
    c('missing-intermediate', serverLeaf, [], { expect: 'issuer-missing', position: 0 }),
    c('wrong-trust-anchor', serverLeaf, [int], { cacert: otherRootPem, expect: 'issuer-missing', position: 1 }),
    c('untrusted-root', serverLeaf, [int, root], { cacert: otherRootPem, expect: 'untrusted-root', position: 2 }),
    c('expired-leaf', expiredLeaf, [int], { expect: 'expired', position: 0 }),
    c('not-yet-valid-leaf', futureLeaf, [int], { expect: 'not-yet-valid', position: 0 }),
    c('expired-intermediate', underExpired, [expiredInt], { expect: 'expired', position: 1 }),
    c('not-yet-valid-intermediate', underFuture, [futureInt], { expect: 'not-yet-valid', position: 1 }),
    c('ca-false-issuer', underNotCa, [notCa], { expect: 'not-a-ca', position: 1 }),
    c('path-length-exceeded', tooDeep, [pathLenZero, underPathLenZero], { expect: 'path-length', position: 2 }),
    c('server-cert-as-client', serverLeaf, [int], { purpose: 'client', expect: 'purpose', position: 0 }),
    c('client-cert-as-server', clientLeaf, [int], { purpose: 'server', expect: 'purpose', position: 0 }),
    c('intermediate-eku-excludes-client', clientUnderServerOnly, [serverOnlyInt], { purpose: 'client', expect: 'purpose', position: 1 }),
    c('client-key-usage-without-signature', clientWrongKu, [int], { purpose: 'client', expect: 'leaf-key-usage', position: 0 }),
    c('host-mismatch', serverLeaf, [int], { host: 'other.test', expect: 'host', position: 0 }),
    c('ip-match', serverLeaf, [int], { host: '127.0.0.1', expect: null }),
    c('ip-mismatch', serverLeaf, [int], { host: '10.0.0.1', expect: 'host', position: 0 }),
    c('ipv4-mapped-ipv6-host-is-not-the-ipv4-entry', serverLeaf, [int], { host: '::ffff:127.0.0.1', expect: 'host', position: 0 }),
    c('wildcard-match', serverLeaf, [int], { host: 'api.wild.test', expect: null }),
    c('wildcard-one-label-only', serverLeaf, [int], { host: 'a.b.wild.test', expect: 'host', position: 0 }),
    c('name-constraints-permitted', insideConstraints, [exampleOnly], { host: 'api.example.com', expect: null }),
    c('name-constraints-dns-not-permitted', outsideConstraints, [exampleOnly], { host: 'evil.org', expect: 'name-constraints', position: 1 }),
    c('name-constraints-ip-excluded', excludedIp, [exampleOnly], { host: '10.1.2.3', expect: 'name-constraints', position: 1 }),
    c('unhandled-critical-extension', criticalUnknown, [int], { host: 'server.test', expect: 'critical-extension', position: 0 }),
  ];
}

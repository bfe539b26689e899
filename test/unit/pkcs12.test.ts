import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { MtlsError } from '../../src/core/errors.js';
import { looksLikePkcs12, readPkcs12, writePkcs12, type Pkcs12Contents } from '../../src/core/pkcs12/index.js';
import { KdfPurpose, pkcs12Kdf } from '../../src/core/pkcs12/kdf.js';
import { MAC_DIGESTS, OID } from '../../src/core/pkcs12/oids.js';
import { rc2CbcDecrypt } from '../../src/core/pkcs12/rc2.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/pkcs12/', import.meta.url));
const PBES2_AES256 = 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)';
const TRIPLE_DES = 'pbeWithSHAAnd3-KeyTripleDES-CBC';
const P12_CODES = ['MTLS_P12_CORRUPT', 'MTLS_P12_WRONG_PASSWORD', 'MTLS_P12_UNSUPPORTED'];

/** Runs openssl; returns stdout and stderr together, since `pkcs12 -info` reports on stderr. */
function openssl(args: string[]): string {
  const result = spawnSync('openssl', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout + result.stderr;
}

function certificateDer(pemFile: string): Buffer {
  return new X509Certificate(fs.readFileSync(pemFile)).raw;
}

/** DER of every certificate in PEM text, in order. */
function certificatesInPem(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((match) => new X509Certificate(match[0]).raw);
}

function assertKeyBelongsTo(keyDer: Buffer, certificate: Buffer): void {
  const fromKey = createPublicKey(createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  const fromCertificate = new X509Certificate(certificate).publicKey.export({ format: 'der', type: 'spki' });
  assert.deepEqual(fromKey, fromCertificate, 'the key is the certificate key');
}

/** Runs `action`, expects an MtlsError with one of `codes`, and checks no secret leaks into it. */
function expectMtlsError(action: () => unknown, codes: string[], secrets: string[] = []): MtlsError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof MtlsError, `expected an MtlsError, got ${String(caught)}`);
  assert.ok(codes.includes(caught.code), `unexpected code ${caught.code}`);
  const shown = JSON.stringify({ message: caught.message, details: caught.details, fixes: caught.fixes });
  for (const secret of secrets) assert.ok(!shown.includes(secret), 'no password in the error');
  return caught;
}

interface Expected {
  certificates: Buffer[];
  mac: string | null;
  certificateEncryption: string | null;
  keyEncryption: string | null;
  dialect: string;
}

function assertContents(contents: Pkcs12Contents, expected: Expected, keyCount = 1): void {
  assert.deepEqual(contents.certificates, expected.certificates);
  assert.equal(contents.keys.length, keyCount);
  if (keyCount > 0) {
    assertKeyBelongsTo(contents.keys[0]!, expected.certificates[0]!);
    assert.deepEqual(contents.localKeyIds, [{ certIndex: 0, keyIndex: 0 }]);
  }
  assert.equal(contents.info.mac?.algorithm ?? null, expected.mac);
  assert.equal(contents.info.certificateEncryption?.name ?? null, expected.certificateEncryption);
  assert.equal(contents.info.keyEncryption?.name ?? null, expected.keyEncryption);
  assert.equal(contents.info.dialect, expected.dialect);
  assert.ok(contents.info.readableBy.length > 20);
}

// Minimal DER tooling to build variants of a file that openssl does not write.
function readTlv(bytes: Buffer, offset: number): { tag: number; contents: Buffer; end: number } {
  let length = bytes[offset + 1]!;
  let headerLength = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + bytes[offset + 2 + i]!;
    headerLength += count;
  }
  const start = offset + headerLength;
  return { tag: bytes[offset]!, contents: bytes.subarray(start, start + length), end: start + length };
}

function children(contents: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < contents.length; ) {
    const element = readTlv(contents, offset);
    parts.push(contents.subarray(offset, element.end));
    offset = element.end;
  }
  return parts;
}

function tlv(tag: number, contents: Buffer): Buffer {
  const length = contents.length;
  const header = length < 0x80 ? [length] : length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
  return Buffer.concat([Buffer.from([tag, ...header]), contents]);
}

const indefinite = (tag: number, parts: Buffer[]): Buffer => Buffer.concat([Buffer.from([tag, 0x80]), ...parts, Buffer.alloc(2)]);

/** The version, authSafe ContentInfo and MacData (if any) of a DER PFX, and the authSafe's octets. */
function splitPfx(der: Buffer): { version: Buffer; authSafeOctets: Buffer; macData: Buffer | undefined } {
  const [version, contentInfo, macData] = children(readTlv(der, 0).contents);
  const [, explicitContent] = children(readTlv(contentInfo!, 0).contents);
  const octetString = readTlv(explicitContent!, 0).contents;
  return { version: version!, authSafeOctets: readTlv(octetString, 0).contents, macData };
}

let work: string;
let leaf: { cert: string; key: string };
let rsaLeaf: { cert: string; key: string };
let chain: string;
let leafDer: Buffer;
let chainDers: Buffer[];

function writeKey(file: string, type: 'ec' | 'rsa'): void {
  const { privateKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  fs.writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }));
}

function issue(name: string, keyType: 'ec' | 'rsa', issuer: { cert: string; key: string } | null, ca: boolean): { cert: string; key: string } {
  const key = path.join(work, `${name}-key.pem`);
  const cert = path.join(work, `${name}-cert.pem`);
  writeKey(key, keyType);
  const extensions = path.join(work, `${name}.ext`);
  fs.writeFileSync(extensions, ca ? 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' : 'extendedKeyUsage=clientAuth\n');
  if (issuer === null) {
    openssl(['req', '-x509', '-new', '-key', key, '-subj', `/CN=${name}`, '-days', '40000', '-addext', 'basicConstraints=critical,CA:TRUE', '-out', cert]);
  } else {
    const csr = path.join(work, `${name}.csr`);
    openssl(['req', '-new', '-key', key, '-subj', `/CN=${name}`, '-out', csr]);
    openssl(['x509', '-req', '-in', csr, '-CA', issuer.cert, '-CAkey', issuer.key, '-set_serial', '7', '-days', '40000', '-extfile', extensions, '-out', cert]);
  }
  return { cert, key };
}

/** `openssl pkcs12 -export` of the EC leaf (or `pair`) with extra options; returns the file's bytes. */
function exportWithOpenssl(name: string, password: string, options: string[], pair = leaf): Buffer {
  const out = path.join(work, `${name}.p12`);
  openssl(['pkcs12', '-export', '-in', pair.cert, '-inkey', pair.key, '-passout', `pass:${password}`, '-out', out, ...options]);
  return fs.readFileSync(out);
}

before(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'mtls-p12-'));
  const root = issue('root', 'ec', null, true);
  const intermediate = issue('intermediate', 'ec', root, true);
  leaf = issue('leaf', 'ec', intermediate, false);
  rsaLeaf = issue('rsa-leaf', 'rsa', intermediate, false);
  chain = path.join(work, 'chain.pem');
  fs.writeFileSync(chain, fs.readFileSync(intermediate.cert, 'utf8') + fs.readFileSync(root.cert, 'utf8'));
  leafDer = certificateDer(leaf.cert);
  chainDers = [leafDer, certificateDer(intermediate.cert), certificateDer(root.cert)];
});

after(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe('readPkcs12 on files from openssl pkcs12 -export', () => {
  const password = 'correct horse';
  const cases: { name: string; options: string[]; password?: string; expected: Omit<Expected, 'certificates'>; chain?: boolean; rsa?: boolean }[] = [
    {
      name: 'defaults (modern)',
      options: [],
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      name: '-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)',
      options: ['-legacy'],
      expected: { mac: 'SHA-1', certificateEncryption: 'pbeWithSHAAnd40BitRC2-CBC', keyEncryption: TRIPLE_DES, dialect: 'legacy' },
    },
    {
      name: '3DES for both and a SHA-1 MAC',
      options: ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
      expected: { mac: 'SHA-1', certificateEncryption: TRIPLE_DES, keyEncryption: TRIPLE_DES, dialect: 'legacy' },
    },
    {
      name: 'an empty password',
      options: [],
      password: '',
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      name: '-nomac',
      options: ['-nomac'],
      expected: { mac: null, certificateEncryption: null, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      name: '-certpbe NONE',
      options: ['-certpbe', 'NONE'],
      expected: { mac: 'SHA-256', certificateEncryption: null, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      name: 'a chain of 3 certificates',
      options: ['-certfile', 'CHAIN'],
      chain: true,
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      name: 'an RSA-2048 key',
      options: [],
      rsa: true,
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
  ];

  for (const testCase of cases) {
    test(testCase.name, () => {
      const filePassword = testCase.password ?? password;
      const options = testCase.options.map((option) => (option === 'CHAIN' ? chain : option));
      const p12 = exportWithOpenssl(testCase.name.replace(/\W+/g, '-'), filePassword, options, testCase.rsa ? rsaLeaf : leaf);
      assert.ok(looksLikePkcs12(p12));
      const contents = readPkcs12(p12, filePassword);
      const certificates = testCase.chain ? chainDers : [certificateDer(testCase.rsa ? rsaLeaf.cert : leaf.cert)];
      assertContents(contents, { certificates, ...testCase.expected });
      if (testCase.expected.mac !== null) assert.deepEqual(contents.info.mac, { algorithm: testCase.expected.mac, iterations: 2048, saltLength: 8 });
      if (testCase.expected.keyEncryption !== null) assert.equal(contents.info.keyEncryption?.iterations, 2048);
    });
  }

  test('readableBy says when OpenSSL 3 needs -legacy', () => {
    const legacy = readPkcs12(exportWithOpenssl('readable-legacy', password, ['-legacy']), password);
    assert.match(legacy.info.readableBy, /OpenSSL 3 needs -legacy/);
    const tripleDes = readPkcs12(exportWithOpenssl('readable-3des', password, ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']), password);
    assert.match(tripleDes.info.readableBy, /no -legacy needed/);
    const modern = readPkcs12(exportWithOpenssl('readable-modern', password, []), password);
    assert.match(modern.info.readableBy, /Java 8u301\+\/11\.0\.12\+\/17\+/);
  });

  test('a wrong password is MTLS_P12_WRONG_PASSWORD and the password appears nowhere in the error', () => {
    const p12 = exportWithOpenssl('wrong-password', password, []);
    const error = expectMtlsError(() => readPkcs12(p12, 'not the password'), ['MTLS_P12_WRONG_PASSWORD'], ['not the password', password]);
    assert.equal(error.details['passwordWasEmpty'], false);
    const empty = expectMtlsError(() => readPkcs12(p12, ''), ['MTLS_P12_WRONG_PASSWORD'], [password]);
    assert.equal(empty.details['passwordWasEmpty'], true);
  });

  test('without a MAC, a wrong password is still MTLS_P12_WRONG_PASSWORD', () => {
    const p12 = exportWithOpenssl('nomac-wrong', password, ['-nomac']);
    expectMtlsError(() => readPkcs12(p12, 'not the password'), ['MTLS_P12_WRONG_PASSWORD'], ['not the password', password]);
  });

  test('truncated files are MtlsErrors, never raw exceptions', () => {
    const p12 = exportWithOpenssl('truncated', password, []);
    for (const length of [0, 1, 2, 10, 30, 100, Math.floor(p12.length / 2), p12.length - 40, p12.length - 1]) {
      expectMtlsError(() => readPkcs12(p12.subarray(0, length), password), ['MTLS_P12_CORRUPT', 'MTLS_P12_WRONG_PASSWORD'], [password]);
    }
  });

  test('bit-flipped files are MtlsErrors or, where the flip misses everything that matters, read the same', () => {
    const p12 = exportWithOpenssl('flipped', password, ['-certfile', chain]);
    const original = readPkcs12(p12, password);
    const step = Math.max(1, Math.floor(p12.length / 90));
    for (let offset = 0; offset < p12.length; offset += step) {
      const damaged = Buffer.from(p12);
      damaged[offset]! ^= 1 << (offset % 8);
      let contents: Pkcs12Contents | undefined;
      try {
        contents = readPkcs12(damaged, password);
      } catch (error) {
        assert.ok(error instanceof MtlsError, `flip at ${offset}: raw ${String(error)}`);
        assert.ok(P12_CODES.includes(error.code), `flip at ${offset}: ${error.code}`);
      }
      if (contents) {
        assert.deepEqual(contents.certificates, original.certificates, `flip at ${offset} changed the certificates`);
        assert.deepEqual(contents.keys, original.keys, `flip at ${offset} changed the key`);
      }
    }
  });

  test('inputs that are not PKCS#12 at all are MTLS_P12_CORRUPT', () => {
    expectMtlsError(() => readPkcs12(fs.readFileSync(leaf.cert), password), ['MTLS_P12_CORRUPT']);
    expectMtlsError(() => readPkcs12(leafDer, password), ['MTLS_P12_CORRUPT']);
    expectMtlsError(() => readPkcs12(randomBytes(512), password), ['MTLS_P12_CORRUPT']);
  });

  test('a BER file with indefinite lengths and a constructed OCTET STRING reads', () => {
    const { version, authSafeOctets, macData } = splitPfx(exportWithOpenssl('ber', password, []));
    const segments = [];
    for (let offset = 0; offset < authSafeOctets.length; offset += 100) segments.push(tlv(0x04, authSafeOctets.subarray(offset, offset + 100)));
    const contentInfo = indefinite(0x30, [tlv(0x06, Buffer.from('2a864886f70d010701', 'hex')), indefinite(0xa0, [indefinite(0x24, segments)])]);
    const ber = indefinite(0x30, [version, contentInfo, macData!]);
    assert.ok(looksLikePkcs12(ber));
    assertContents(readPkcs12(ber, password), {
      certificates: [leafDer],
      mac: 'SHA-256',
      certificateEncryption: PBES2_AES256,
      keyEncryption: PBES2_AES256,
      dialect: 'modern',
    });
  });

  test("a MAC made with no password at all (OpenSSL's NULL password) reads with ''", () => {
    const plain = exportWithOpenssl('null-password', '', ['-certpbe', 'NONE', '-keypbe', 'NONE', '-nomac']);
    const { version, authSafeOctets } = splitPfx(plain);
    const salt = randomBytes(8);
    const sha1 = MAC_DIGESTS[OID.sha1]!;
    const macKey = pkcs12Kdf(sha1, Buffer.alloc(0), salt, 2048, KdfPurpose.mac, 20);
    const mac = createHmac('sha1', macKey).update(authSafeOctets).digest();
    const digestAlgorithm = tlv(0x30, Buffer.concat([tlv(0x06, Buffer.from('2b0e03021a', 'hex')), Buffer.from([0x05, 0x00])]));
    const macData = tlv(0x30, Buffer.concat([tlv(0x30, Buffer.concat([digestAlgorithm, tlv(0x04, mac)])), tlv(0x04, salt), Buffer.from([0x02, 0x02, 0x08, 0x00])]));
    const [, contentInfo] = children(readTlv(plain, 0).contents);
    const p12 = tlv(0x30, Buffer.concat([version, contentInfo!, macData]));
    const contents = readPkcs12(p12, '');
    assert.deepEqual(contents.certificates, [leafDer]);
    assert.deepEqual(contents.info.mac, { algorithm: 'SHA-1', iterations: 2048, saltLength: 8 });
    assert.equal(contents.info.dialect, 'unencrypted');
    expectMtlsError(() => readPkcs12(p12, 'x'), ['MTLS_P12_WRONG_PASSWORD']);
  });
});

describe('readPkcs12 on the static fixtures', () => {
  const leafCertificate = (): Buffer => certificateDer(path.join(FIXTURES, 'leaf-cert.pem'));
  const fixtureChain = (): Buffer[] => ['leaf-cert.pem', 'intermediate-cert.pem', 'root-cert.pem'].map((file) => certificateDer(path.join(FIXTURES, file)));
  const fixtures: { file: string; password?: string; certificates?: () => Buffer[]; keys?: number; friendlyName?: string; expected: Omit<Expected, 'certificates'> }[] = [
    { file: 'modern-aes256-sha256.p12', expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' } },
    {
      file: 'modern-aes128-3des-sha512-mac.p12',
      expected: {
        mac: 'SHA-512',
        certificateEncryption: 'PBES2 (PBKDF2-HMAC-SHA256, AES-128-CBC)',
        keyEncryption: 'PBES2 (PBKDF2-HMAC-SHA256, DES-EDE3-CBC)',
        dialect: 'modern',
      },
    },
    { file: 'legacy-rc2-40-sha1.p12', expected: { mac: 'SHA-1', certificateEncryption: 'pbeWithSHAAnd40BitRC2-CBC', keyEncryption: TRIPLE_DES, dialect: 'legacy' } },
    { file: 'legacy-rc2-128-sha1.p12', expected: { mac: 'SHA-1', certificateEncryption: 'pbeWithSHAAnd128BitRC2-CBC', keyEncryption: TRIPLE_DES, dialect: 'legacy' } },
    { file: 'legacy-3des-sha1.p12', expected: { mac: 'SHA-1', certificateEncryption: TRIPLE_DES, keyEncryption: TRIPLE_DES, dialect: 'legacy' } },
    {
      file: 'legacy-2key-3des-sha1.p12',
      expected: { mac: 'SHA-1', certificateEncryption: 'pbeWithSHAAnd2-KeyTripleDES-CBC', keyEncryption: 'pbeWithSHAAnd2-KeyTripleDES-CBC', dialect: 'legacy' },
    },
    { file: 'mixed-3des-certs-aes-key.p12', expected: { mac: 'SHA-256', certificateEncryption: TRIPLE_DES, keyEncryption: PBES2_AES256, dialect: 'mixed' } },
    { file: 'empty-password.p12', password: '', expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' } },
    { file: 'non-ascii-password.p12', password: 'pässwörd-✓', expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' } },
    { file: 'no-mac.p12', expected: { mac: null, certificateEncryption: null, keyEncryption: PBES2_AES256, dialect: 'modern' } },
    { file: 'unencrypted-certs.p12', expected: { mac: 'SHA-256', certificateEncryption: null, keyEncryption: PBES2_AES256, dialect: 'modern' } },
    { file: 'unencrypted-everything.p12', expected: { mac: 'SHA-256', certificateEncryption: null, keyEncryption: null, dialect: 'unencrypted' } },
    {
      file: 'chain-of-three-named.p12',
      certificates: fixtureChain,
      friendlyName: 'mtls fixture leaf',
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
    {
      file: 'no-key-certs-only.p12',
      certificates: fixtureChain,
      keys: 0,
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: null, dialect: 'modern' },
    },
    {
      file: 'rsa-2048.p12',
      certificates: () => [certificateDer(path.join(FIXTURES, 'rsa-leaf-cert.pem'))],
      expected: { mac: 'SHA-256', certificateEncryption: PBES2_AES256, keyEncryption: PBES2_AES256, dialect: 'modern' },
    },
  ];

  for (const fixture of fixtures) {
    test(fixture.file, () => {
      const p12 = fs.readFileSync(path.join(FIXTURES, fixture.file));
      assert.ok(looksLikePkcs12(p12));
      const contents = readPkcs12(p12, fixture.password ?? 'fixture-pass');
      assertContents(contents, { certificates: (fixture.certificates ?? (() => [leafCertificate()]))(), ...fixture.expected }, fixture.keys ?? 1);
      assert.equal(contents.friendlyNames[0], fixture.friendlyName ?? null);
    });
  }

  test('the non-ASCII password fails when given in another form', () => {
    const p12 = fs.readFileSync(path.join(FIXTURES, 'non-ascii-password.p12'));
    expectMtlsError(() => readPkcs12(p12, 'passwort'), ['MTLS_P12_WRONG_PASSWORD'], ['pässwörd']);
  });
});

describe('writePkcs12', () => {
  const password = 'round trip ✓';
  const friendlyName = 'client identity';

  function written(legacy: boolean, options: { password?: string; iterations?: number } = {}): { file: string; p12: Buffer; key: Buffer } {
    const key = createPrivateKey(fs.readFileSync(leaf.key)).export({ format: 'der', type: 'pkcs8' });
    const p12 = writePkcs12({ certificates: chainDers, key, password: options.password ?? password, legacy, friendlyName, iterations: options.iterations });
    const file = path.join(work, `written-${legacy ? 'legacy' : 'modern'}-${options.iterations ?? 'default'}.p12`);
    fs.writeFileSync(file, p12);
    return { file, p12, key };
  }

  const dialects = [
    {
      legacy: false,
      mac: 'SHA-256',
      encryption: PBES2_AES256,
      dialect: 'modern',
      opensslInfo: [
        'MAC: sha256, Iteration 2048',
        'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256',
        'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256',
      ],
    },
    {
      legacy: true,
      mac: 'SHA-1',
      encryption: TRIPLE_DES,
      dialect: 'legacy',
      opensslInfo: [
        'MAC: sha1, Iteration 2048',
        'PKCS7 Encrypted data: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
        'Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2048',
      ],
    },
  ];

  for (const dialect of dialects) {
    describe(dialect.legacy ? 'legacy: true' : 'default (modern)', () => {
      test('reads back with readPkcs12', () => {
        const { p12, key } = written(dialect.legacy);
        assert.ok(looksLikePkcs12(p12));
        const contents = readPkcs12(p12, password);
        assertContents(contents, {
          certificates: chainDers,
          mac: dialect.mac,
          certificateEncryption: dialect.encryption,
          keyEncryption: dialect.encryption,
          dialect: dialect.dialect,
        });
        assert.deepEqual(contents.keys, [key]);
        assert.deepEqual(contents.friendlyNames, [friendlyName, null, null]);
        assert.deepEqual(contents.info.mac, { algorithm: dialect.mac, iterations: 2048, saltLength: 8 });
      });

      test('openssl pkcs12 reads it without -legacy and reports the algorithms we claim', () => {
        const { file, key } = written(dialect.legacy);
        const output = openssl(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-nodes', '-info']);
        assert.deepEqual(certificatesInPem(output), chainDers);
        const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(output)![0];
        assert.deepEqual(createPrivateKey(keyPem).export({ format: 'der', type: 'pkcs8' }), key);
        const info = openssl(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-info', '-noout']);
        for (const line of dialect.opensslInfo) assert.ok(info.includes(line), `openssl -info shows "${line}"`);
        const localKeyId = createHash('sha1').update(leafDer).digest('hex').toUpperCase().match(/../g)!.join(' ');
        assert.equal(output.split(`localKeyID: ${localKeyId}`).length - 1, 2, 'localKeyID = SHA-1 of the leaf, on the leaf and the key');
        assert.equal(output.split(`friendlyName: ${friendlyName}`).length - 1, 2, 'friendlyName on the leaf and the key');
      });

      test("Node's tls.createSecureContext accepts it", () => {
        const { p12 } = written(dialect.legacy);
        assert.doesNotThrow(() => tls.createSecureContext({ pfx: p12, passphrase: password }));
      });
    });
  }

  test('an empty password is written so that openssl, Node and readPkcs12 accept it', () => {
    const { file, p12 } = written(false, { password: '' });
    assert.deepEqual(certificatesInPem(openssl(['pkcs12', '-in', file, '-passin', 'pass:', '-nokeys'])), chainDers);
    assert.doesNotThrow(() => tls.createSecureContext({ pfx: p12, passphrase: '' }));
    assert.deepEqual(readPkcs12(p12, '').certificates, chainDers);
  });

  test('iterations sets the MAC, PBKDF2 and PKCS#12 KDF counts', () => {
    for (const legacy of [false, true]) {
      const { file, p12 } = written(legacy, { iterations: 4096 });
      const { info } = readPkcs12(p12, password);
      assert.equal(info.mac?.iterations, 4096);
      assert.equal(info.certificateEncryption?.iterations, 4096);
      assert.equal(info.keyEncryption?.iterations, 4096);
      const opensslInfo = openssl(['pkcs12', '-in', file, '-passin', `pass:${password}`, '-info', '-noout']);
      assert.equal(opensslInfo.split('Iteration 4096').length - 1, 3);
    }
  });

  test('refuses a key of another certificate, a damaged key and no certificates', () => {
    const rsaKey = createPrivateKey(fs.readFileSync(rsaLeaf.key)).export({ format: 'der', type: 'pkcs8' });
    expectMtlsError(() => writePkcs12({ certificates: [leafDer], key: rsaKey, password }), ['MTLS_KEY_CERT_MISMATCH'], [password]);
    expectMtlsError(() => writePkcs12({ certificates: [leafDer], key: Buffer.from('not a key'), password }), ['MTLS_KEY_CORRUPT'], [password]);
    expectMtlsError(() => writePkcs12({ certificates: [], key: rsaKey, password }), ['MTLS_USAGE']);
  });
});

describe('looksLikePkcs12', () => {
  test('is true for PKCS#12 and false for PEM, a DER certificate, a DER key, random bytes and empty input', () => {
    assert.equal(looksLikePkcs12(fs.readFileSync(path.join(FIXTURES, 'modern-aes256-sha256.p12'))), true);
    assert.equal(looksLikePkcs12(fs.readFileSync(path.join(FIXTURES, 'legacy-rc2-40-sha1.p12')).subarray(0, 40)), true, 'a truncated file still looks like one');
    assert.equal(looksLikePkcs12(fs.readFileSync(path.join(FIXTURES, 'leaf-cert.pem'))), false);
    assert.equal(looksLikePkcs12(certificateDer(path.join(FIXTURES, 'leaf-cert.pem'))), false);
    assert.equal(looksLikePkcs12(createPrivateKey(fs.readFileSync(path.join(FIXTURES, 'leaf-key.pem'))).export({ format: 'der', type: 'pkcs8' })), false);
    assert.equal(looksLikePkcs12(randomBytes(256)), false);
    assert.equal(looksLikePkcs12(new Uint8Array(0)), false);
    assert.equal(looksLikePkcs12(Uint8Array.from([0x30])), false);
    assert.equal(looksLikePkcs12(Uint8Array.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x02, 0x01, 0x03])), false);
  });
});

describe('RC2', () => {
  test('decrypts the RFC 2268 section 5 test vectors', () => {
    const vectors: [key: string, effectiveBits: number, plaintext: string, ciphertext: string][] = [
      ['0000000000000000', 63, '0000000000000000', 'ebb773f993278eff'],
      ['ffffffffffffffff', 64, 'ffffffffffffffff', '278b27e42e2f0d49'],
      ['3000000000000000', 64, '1000000000000001', '30649edf9be7d2c2'],
      ['88', 64, '0000000000000000', '61a8a244adacccf0'],
      ['88bca90e90875a', 64, '0000000000000000', '6ccf4308974c267f'],
      ['88bca90e90875a7f0f79c384627bafb2', 64, '0000000000000000', '1a807d272bbe5db1'],
      ['88bca90e90875a7f0f79c384627bafb2', 128, '0000000000000000', '2269552ab0f85ca6'],
      ['88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e', 129, '0000000000000000', '5b78d3a43dfff1f1'],
    ];
    for (const [key, effectiveBits, plaintext, ciphertext] of vectors) {
      // One block with a zero IV: CBC decryption is then the bare block decryption.
      const decrypted = rc2CbcDecrypt(Buffer.from(key, 'hex'), effectiveBits, Buffer.alloc(8), Buffer.from(ciphertext, 'hex'));
      assert.equal(decrypted.toString('hex'), plaintext);
    }
  });
});

/** Writes a PKCS#12 (PFX) file the way `openssl pkcs12 -export` does. */
import { createHash, createPrivateKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { ContentInfo, EncryptedContent, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, CertBag, MacData, PKCS12Attribute, SafeBag, SafeContents } from '@peculiar/asn1-pfx';
import { EncryptedData as EncryptedKeyData, EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { DigestInfo } from '@peculiar/asn1-rsa';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { MtlsError } from '../errors.js';
import { encodeBmpString } from '../asn1/ber.js';
import { MAX_ITERATIONS } from './failures.js';
import { passwordEncoding, type PasswordEncoding } from './kdf.js';
import { computeMac } from './mac.js';
import { MAC_DIGESTS, OID } from './oids.js';
import { SALT_LENGTH, encryptPbes2Aes256, encryptPkcs12TripleDes, type Encrypted } from './pbe.js';
import { EncryptedData, Pfx } from './schemas.js';
import type { WritePkcs12Options } from './types.js';

/**
 * OpenSSL's default count (PKCS12_DEFAULT_ITER) for PBKDF2, the PKCS#12 KDF and the MAC alike. It
 * is low by today's PBKDF2 advice, but the same count drives the PKCS#12 KDF, which every reader
 * runs as plain iterated hashing: a high count makes the file slow to open everywhere. Matching
 * OpenSSL keeps files as quick to open as its own; pass `iterations` for more.
 */
const DEFAULT_ITERATIONS = 2048;

interface WriteProfile {
  encrypt: (plaintext: Uint8Array, password: PasswordEncoding, iterations: number) => Encrypted;
  macDigestOid: string;
}

/** OpenSSL 3's default: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and a SHA-256 MAC. */
const MODERN: WriteProfile = { encrypt: encryptPbes2Aes256, macDigestOid: OID.sha256 };
/**
 * 3DES and a SHA-1 MAC: what Java 8, older Windows and macOS Keychain read. Not RC2-40 for the
 * certificates, as `openssl -legacy` does: it is weak, and OpenSSL 3 and Node refuse it.
 */
const LEGACY: WriteProfile = { encrypt: encryptPkcs12TripleDes, macDigestOid: OID.sha1 };

/**
 * Writes the leaf certificate, its chain and its key. Certificates go in an encrypted safe, the
 * key in a shrouded key bag, both tagged with localKeyId = SHA-1 of the leaf (as OpenSSL does).
 */
export function writePkcs12(options: WritePkcs12Options): Buffer {
  const { certificates, key, password } = options;
  const iterations = options.iterations ?? DEFAULT_ITERATIONS;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new MtlsError('MTLS_USAGE', `The PKCS#12 iteration count must be a whole number from 1 to ${MAX_ITERATIONS}.`, {
      details: { iterations },
    });
  }
  const leaf = certificates[0];
  if (!leaf) throw new MtlsError('MTLS_USAGE', 'A PKCS#12 file needs at least one certificate.');
  checkKeyMatchesLeaf(key, leaf);

  const profile = options.legacy ? LEGACY : MODERN;
  const encodedPassword = passwordEncoding(password);
  const leafAttributes = bagAttributes(createHash('sha1').update(leaf).digest(), options.friendlyName);

  const certificateBags = certificates.map((der, index) =>
    newSafeBag(OID.certBag, newCertBag(der), index === 0 ? leafAttributes : undefined),
  );
  const certificateSafe = profile.encrypt(serialize(new SafeContents(certificateBags)), encodedPassword, iterations);
  const shroudedKey = profile.encrypt(key, encodedPassword, iterations);
  const keyBag = newSafeBag(
    OID.pkcs8ShroudedKeyBag,
    serialize(
      new EncryptedPrivateKeyInfo({ encryptionAlgorithm: shroudedKey.algorithm, encryptedData: new EncryptedKeyData(shroudedKey.ciphertext) }),
    ),
    leafAttributes,
  );

  const authenticatedSafe = serialize(
    new AuthenticatedSafe([encryptedSafe(certificateSafe), dataContentInfo(serialize(new SafeContents([keyBag])))]),
  );
  const pfx = new Pfx();
  pfx.authSafe = dataContentInfo(authenticatedSafe);
  pfx.macData = newMacData(profile.macDigestOid, encodedPassword, iterations, authenticatedSafe);
  return serialize(pfx);
}

function checkKeyMatchesLeaf(key: Buffer, leaf: Buffer): void {
  let privateKey: KeyObject;
  let certificate: X509Certificate;
  try {
    privateKey = createPrivateKey({ key, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new MtlsError('MTLS_KEY_CORRUPT', 'The private key for the PKCS#12 file is not a DER PKCS#8 key.', { cause: error });
  }
  try {
    certificate = new X509Certificate(leaf);
  } catch (error) {
    throw new MtlsError('MTLS_CERT_CORRUPT', 'The first certificate for the PKCS#12 file is not a DER X.509 certificate.', {
      cause: error,
    });
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new MtlsError('MTLS_KEY_CERT_MISMATCH', 'The private key does not belong to the first (leaf) certificate.', {
      details: { subject: certificate.subject },
    });
  }
}

function serialize(value: unknown): Buffer {
  return Buffer.from(AsnConvert.serialize(value));
}

function bagAttributes(localKeyId: Buffer, friendlyName: string | undefined): PKCS12Attribute[] {
  const attributes = [newAttribute(OID.localKeyId, serialize(new OctetString(localKeyId)))];
  if (friendlyName !== undefined) attributes.unshift(newAttribute(OID.friendlyName, encodeBmpString(friendlyName)));
  return attributes;
}

/** Sets fields after construction: PKCS12Attribute's constructor drops its parameters. */
function newAttribute(attrId: string, value: Buffer): PKCS12Attribute {
  const attribute = new PKCS12Attribute();
  attribute.attrId = attrId;
  attribute.attrValues = [toArrayBuffer(value)];
  return attribute;
}

function newSafeBag(bagId: string, bagValue: Buffer, attributes: PKCS12Attribute[] | undefined): SafeBag {
  return new SafeBag({ bagId, bagValue: toArrayBuffer(bagValue), ...(attributes ? { bagAttributes: attributes } : {}) });
}

function newCertBag(der: Buffer): Buffer {
  return serialize(new CertBag({ certId: OID.x509Certificate, certValue: toArrayBuffer(serialize(new OctetString(der))) }));
}

function dataContentInfo(content: Buffer): ContentInfo {
  return new ContentInfo({ contentType: OID.data, content: toArrayBuffer(serialize(new OctetString(content))) });
}

function encryptedSafe(encrypted: Encrypted): ContentInfo {
  const encryptedData = new EncryptedData();
  encryptedData.encryptedContentInfo = new EncryptedContentInfo({
    contentType: OID.data,
    contentEncryptionAlgorithm: encrypted.algorithm,
    encryptedContent: new EncryptedContent({ value: new OctetString(encrypted.ciphertext) }),
  });
  return new ContentInfo({ contentType: OID.encryptedData, content: toArrayBuffer(serialize(encryptedData)) });
}

function newMacData(digestOid: string, password: PasswordEncoding, iterations: number, content: Buffer): MacData {
  const salt = randomBytes(SALT_LENGTH);
  const digest = computeMac(MAC_DIGESTS[digestOid]!, password, salt, iterations, content);
  return new MacData({
    mac: new DigestInfo({
      digestAlgorithm: new AlgorithmIdentifier({ algorithm: digestOid, parameters: null }),
      digest: new OctetString(digest),
    }),
    macSalt: new OctetString(salt),
    iterations,
  });
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

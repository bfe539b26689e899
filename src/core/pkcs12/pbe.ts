/**
 * Password-based encryption as PKCS#12 uses it: PBES2 (PBKDF2 + a block cipher, RFC 8018) and the
 * PKCS#12 schemes pbeWithSHAAnd… (RFC 7292 appendix C, keys from the PKCS#12 KDF over SHA-1).
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { DecryptionFailed, checkIterations, corrupt, parseStructure, unsupported } from './failures.js';
import type { KdfBudget } from './budget.js';
import { KdfPurpose, pkcs12Kdf, pkcs12KdfBlocks, type PasswordEncoding } from './kdf.js';
import {
  MAC_DIGESTS,
  OID,
  PBES2_CIPHERS,
  PBKDF2_PRFS,
  PKCS12_PBE_SCHEMES,
  UNSUPPORTED_SCHEME_NAMES,
  type BlockCipher,
  type DigestAlgorithm,
  type Pkcs12PbeScheme,
} from './oids.js';
import { rc2CbcDecrypt } from './rc2.js';
import { Pbes2Params, Pbkdf2Params, Pkcs12PbeParams } from './schemas.js';
import type { Pkcs12Algorithm } from './types.js';

/**
 * Salt length for everything we write. 8 bytes is what OpenSSL writes; macOS Keychain was seen
 * refusing otherwise identical files with 16-byte salts.
 */
export const SALT_LENGTH = 8;

interface SchemeBase {
  description: Pkcs12Algorithm;
  salt: Uint8Array;
  iterations: number;
}

interface Pbes2Scheme extends SchemeBase {
  family: 'pbes2';
  prf: DigestAlgorithm;
  cipher: BlockCipher;
  iv: Uint8Array;
}

interface Pkcs12Scheme extends SchemeBase {
  family: 'pkcs12-pbe';
  pbe: Pkcs12PbeScheme;
}

/** An encryption AlgorithmIdentifier, checked and with its parameters read. */
export type ResolvedScheme = Pbes2Scheme | Pkcs12Scheme;

const SHA1 = MAC_DIGESTS[OID.sha1]!;
const RC2_BLOCK_SIZE = 8;

/** Reads an encryption AlgorithmIdentifier; `usedFor` names what it protects, for errors. */
export function resolveScheme(algorithm: AlgorithmIdentifier, usedFor: string): ResolvedScheme {
  const pkcs12Scheme = PKCS12_PBE_SCHEMES[algorithm.algorithm];
  if (pkcs12Scheme) {
    const params = parseStructure(requireParameters(algorithm, usedFor), Pkcs12PbeParams, `${usedFor} encryption parameters`);
    const iterations = checkIterations(params.iterations, usedFor, 'pkcs12');
    return {
      family: 'pkcs12-pbe',
      description: { name: pkcs12Scheme.name, oid: algorithm.algorithm, iterations },
      pbe: pkcs12Scheme,
      salt: new Uint8Array(params.salt.buffer),
      iterations,
    };
  }
  if (algorithm.algorithm === OID.pbes2) return resolvePbes2(algorithm, usedFor);
  throw unsupported(UNSUPPORTED_SCHEME_NAMES[algorithm.algorithm] ?? `algorithm ${algorithm.algorithm}`, usedFor);
}

function resolvePbes2(algorithm: AlgorithmIdentifier, usedFor: string): ResolvedScheme {
  const params = parseStructure(requireParameters(algorithm, usedFor), Pbes2Params, `${usedFor} PBES2 parameters`);
  const kdf = params.keyDerivationFunc;
  if (kdf.algorithm !== OID.pbkdf2) {
    throw unsupported(`PBES2 with key derivation ${UNSUPPORTED_SCHEME_NAMES[kdf.algorithm] ?? kdf.algorithm}`, usedFor);
  }
  const kdfParams = parseStructure(requireParameters(kdf, usedFor), Pbkdf2Params, `${usedFor} PBKDF2 parameters`);
  const prf = PBKDF2_PRFS[kdfParams.prf.algorithm];
  if (!prf) throw unsupported(`PBES2 with PBKDF2 pseudo-random function ${kdfParams.prf.algorithm}`, usedFor);
  const scheme = params.encryptionScheme;
  const cipher = PBES2_CIPHERS[scheme.algorithm];
  if (!cipher) {
    throw unsupported(`PBES2 with cipher ${UNSUPPORTED_SCHEME_NAMES[scheme.algorithm] ?? scheme.algorithm}`, usedFor);
  }
  if (kdfParams.keyLength !== undefined && kdfParams.keyLength !== cipher.keyLength) {
    throw corrupt(`The PKCS#12 file's ${usedFor} asks PBKDF2 for a key length that ${cipher.name} does not use.`);
  }
  const iv = new Uint8Array(parseStructure(requireParameters(scheme, usedFor), OctetString, `${usedFor} cipher IV`).buffer);
  if (iv.length !== cipher.ivLength) throw corrupt(`The PKCS#12 file's ${usedFor} has an IV of the wrong length for ${cipher.name}.`);
  const iterations = checkIterations(kdfParams.iterationCount, usedFor, 'pbkdf2');
  return {
    family: 'pbes2',
    description: { name: `PBES2 (PBKDF2-HMAC-${prf.name}, ${cipher.name})`, oid: OID.pbes2, iterations },
    prf,
    cipher,
    salt: new Uint8Array(kdfParams.salt.buffer),
    iterations,
    iv,
  };
}

function requireParameters(algorithm: AlgorithmIdentifier, usedFor: string): ArrayBuffer {
  if (!algorithm.parameters) throw corrupt(`The PKCS#12 file's ${usedFor} algorithm has no parameters.`);
  return algorithm.parameters;
}

/** Decrypts with a resolved scheme; a wrong key shows up as DecryptionFailed. */
export function decrypt(scheme: ResolvedScheme, ciphertext: Uint8Array, password: PasswordEncoding, budget: KdfBudget, usedFor: string): Buffer {
  if (scheme.family === 'pbes2') {
    budget.spend('pbkdf2', scheme.iterations, usedFor);
    const key = pbkdf2Sync(password.utf8, scheme.salt, scheme.iterations, scheme.cipher.keyLength, scheme.prf.nodeName);
    return decipher(scheme.cipher.nodeName, key, scheme.iv, ciphertext);
  }
  const { pbe, salt, iterations } = scheme;
  budget.spend('pkcs12', iterations * (pkcs12KdfBlocks(SHA1, pbe.keyLength) + pkcs12KdfBlocks(SHA1, 8)), usedFor);
  const key = pkcs12Kdf(SHA1, password.bmp, salt, iterations, KdfPurpose.key, pbe.keyLength);
  const iv = pkcs12Kdf(SHA1, password.bmp, salt, iterations, KdfPurpose.iv, 8);
  if (pbe.cipher === 'rc2-cbc') return removePadding(rc2CbcDecrypt(key, pbe.effectiveBits ?? 8 * pbe.keyLength, iv, ciphertext));
  return decipher('des-ede3-cbc', expandTripleDesKey(key), iv, ciphertext);
}

/** Two-key triple DES (K1, K2) is three-key triple DES with K3 = K1. */
function expandTripleDesKey(key: Buffer): Buffer {
  return key.length === 16 ? Buffer.concat([key, key.subarray(0, 8)]) : key;
}

function decipher(cipherName: string, key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  try {
    const decipherer = createDecipheriv(cipherName, key, iv);
    return Buffer.concat([decipherer.update(ciphertext), decipherer.final()]);
  } catch (error) {
    throw new DecryptionFailed('Decryption failed', { cause: error });
  }
}

/** Strips RC2's PKCS#7 padding, which also tells a wrong key from a right one 255 times in 256. */
function removePadding(padded: Buffer): Buffer {
  const padLength = padded[padded.length - 1] ?? 0;
  if (padLength < 1 || padLength > RC2_BLOCK_SIZE || padLength > padded.length) throw new DecryptionFailed('Bad padding');
  for (let i = padded.length - padLength; i < padded.length; i++) {
    if (padded[i] !== padLength) throw new DecryptionFailed('Bad padding');
  }
  return padded.subarray(0, padded.length - padLength);
}

export interface Encrypted {
  algorithm: AlgorithmIdentifier;
  ciphertext: Buffer;
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: OpenSSL 3's default. */
export function encryptPbes2Aes256(plaintext: Uint8Array, password: PasswordEncoding, iterations: number): Encrypted {
  const salt = randomBytes(SALT_LENGTH);
  const iv = randomBytes(16);
  const key = pbkdf2Sync(password.utf8, salt, iterations, 32, 'sha256');
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const kdfParams = new Pbkdf2Params();
  kdfParams.salt = new OctetString(salt);
  kdfParams.iterationCount = iterations;
  kdfParams.prf = new AlgorithmIdentifier({ algorithm: OID.hmacWithSha256, parameters: null });
  const params = new Pbes2Params();
  params.keyDerivationFunc = new AlgorithmIdentifier({ algorithm: OID.pbkdf2, parameters: AsnConvert.serialize(kdfParams) });
  params.encryptionScheme = new AlgorithmIdentifier({ algorithm: OID.aes256Cbc, parameters: AsnConvert.serialize(new OctetString(iv)) });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbes2, parameters: AsnConvert.serialize(params) }),
    ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]),
  };
}

/** pbeWithSHAAnd3-KeyTripleDES-CBC: the strongest scheme Java 8, older Windows and macOS read. */
export function encryptPkcs12TripleDes(plaintext: Uint8Array, password: PasswordEncoding, iterations: number): Encrypted {
  const salt = randomBytes(SALT_LENGTH);
  const key = pkcs12Kdf(SHA1, password.bmp, salt, iterations, KdfPurpose.key, 24);
  const iv = pkcs12Kdf(SHA1, password.bmp, salt, iterations, KdfPurpose.iv, 8);
  const cipher = createCipheriv('des-ede3-cbc', key, iv);
  const params = new Pkcs12PbeParams();
  params.salt = new OctetString(salt);
  params.iterations = iterations;
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: OID.pbeWithSha1And3KeyTripleDesCbc, parameters: AsnConvert.serialize(params) }),
    ciphertext: Buffer.concat([cipher.update(plaintext), cipher.final()]),
  };
}

/** Object identifiers used by PKCS#12 (RFC 7292), PKCS#5 (RFC 8018) and CMS (RFC 5652). */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  encryptedData: '1.2.840.113549.1.7.6',

  keyBag: '1.2.840.113549.1.12.10.1.1',
  pkcs8ShroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  safeContentsBag: '1.2.840.113549.1.12.10.1.6',
  x509Certificate: '1.2.840.113549.1.9.22.1',

  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',

  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',

  pbeWithSha1And128BitRc4: '1.2.840.113549.1.12.1.1',
  pbeWithSha1And40BitRc4: '1.2.840.113549.1.12.1.2',
  pbeWithSha1And3KeyTripleDesCbc: '1.2.840.113549.1.12.1.3',
  pbeWithSha1And2KeyTripleDesCbc: '1.2.840.113549.1.12.1.4',
  pbeWithSha1And128BitRc2Cbc: '1.2.840.113549.1.12.1.5',
  pbeWithSha1And40BitRc2Cbc: '1.2.840.113549.1.12.1.6',

  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  hmacWithSha256: '1.2.840.113549.2.9',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
} as const;

export interface DigestAlgorithm {
  /** The name shown to users, as in 'SHA-256'. */
  name: string;
  /** Node's name for the hash. */
  nodeName: string;
  /** Input block size in bytes: the PKCS#12 KDF's "v". */
  blockSize: number;
  /** Output size in bytes: the PKCS#12 MAC key length. */
  outputLength: number;
}

/** Digests for the PKCS#12 MAC (MacData.mac.digestAlgorithm). */
export const MAC_DIGESTS: Readonly<Record<string, DigestAlgorithm>> = {
  [OID.sha1]: { name: 'SHA-1', nodeName: 'sha1', blockSize: 64, outputLength: 20 },
  '2.16.840.1.101.3.4.2.4': { name: 'SHA-224', nodeName: 'sha224', blockSize: 64, outputLength: 28 },
  [OID.sha256]: { name: 'SHA-256', nodeName: 'sha256', blockSize: 64, outputLength: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'SHA-384', nodeName: 'sha384', blockSize: 128, outputLength: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'SHA-512', nodeName: 'sha512', blockSize: 128, outputLength: 64 },
};

/** Pseudo-random functions for PBKDF2 (PBKDF2-params.prf). */
export const PBKDF2_PRFS: Readonly<Record<string, DigestAlgorithm>> = {
  '1.2.840.113549.2.7': { name: 'SHA1', nodeName: 'sha1', blockSize: 64, outputLength: 20 },
  '1.2.840.113549.2.8': { name: 'SHA224', nodeName: 'sha224', blockSize: 64, outputLength: 28 },
  [OID.hmacWithSha256]: { name: 'SHA256', nodeName: 'sha256', blockSize: 64, outputLength: 32 },
  '1.2.840.113549.2.10': { name: 'SHA384', nodeName: 'sha384', blockSize: 128, outputLength: 48 },
  '1.2.840.113549.2.11': { name: 'SHA512', nodeName: 'sha512', blockSize: 128, outputLength: 64 },
};

/** RFC 8018: PBKDF2's prf defaults to HMAC-SHA1 when the field is absent. */
export const PBKDF2_DEFAULT_PRF = '1.2.840.113549.2.7';

export interface BlockCipher {
  name: string;
  nodeName: string;
  keyLength: number;
  ivLength: number;
}

/** Encryption schemes inside PBES2 (PBES2-params.encryptionScheme); each takes its IV as an OCTET STRING. */
export const PBES2_CIPHERS: Readonly<Record<string, BlockCipher>> = {
  '2.16.840.1.101.3.4.1.2': { name: 'AES-128-CBC', nodeName: 'aes-128-cbc', keyLength: 16, ivLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'AES-192-CBC', nodeName: 'aes-192-cbc', keyLength: 24, ivLength: 16 },
  [OID.aes256Cbc]: { name: 'AES-256-CBC', nodeName: 'aes-256-cbc', keyLength: 32, ivLength: 16 },
  '1.2.840.113549.3.7': { name: 'DES-EDE3-CBC', nodeName: 'des-ede3-cbc', keyLength: 24, ivLength: 8 },
};

export type Pkcs12PbeCipher = 'rc2-cbc' | 'des-ede3-cbc';

export interface Pkcs12PbeScheme {
  name: string;
  cipher: Pkcs12PbeCipher;
  /** Bytes the PKCS#12 KDF derives for the key. */
  keyLength: number;
  /** RC2 only: effective key bits. */
  effectiveBits?: number;
}

/** RFC 7292 appendix C: password-based encryption with the PKCS#12 KDF over SHA-1. */
export const PKCS12_PBE_SCHEMES: Readonly<Record<string, Pkcs12PbeScheme>> = {
  [OID.pbeWithSha1And40BitRc2Cbc]: { name: 'pbeWithSHAAnd40BitRC2-CBC', cipher: 'rc2-cbc', keyLength: 5, effectiveBits: 40 },
  [OID.pbeWithSha1And128BitRc2Cbc]: { name: 'pbeWithSHAAnd128BitRC2-CBC', cipher: 'rc2-cbc', keyLength: 16, effectiveBits: 128 },
  [OID.pbeWithSha1And3KeyTripleDesCbc]: { name: 'pbeWithSHAAnd3-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', keyLength: 24 },
  [OID.pbeWithSha1And2KeyTripleDesCbc]: { name: 'pbeWithSHAAnd2-KeyTripleDES-CBC', cipher: 'des-ede3-cbc', keyLength: 16 },
};

/** Schemes we recognise but cannot decrypt, named so the error can say which one it is. */
export const UNSUPPORTED_SCHEME_NAMES: Readonly<Record<string, string>> = {
  [OID.pbeWithSha1And128BitRc4]: 'pbeWithSHAAnd128BitRC4',
  [OID.pbeWithSha1And40BitRc4]: 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
  [OID.pbmac1]: 'PBMAC1 (RFC 9579)',
  '1.3.14.3.2.7': 'DES-CBC',
  '1.2.840.113549.3.2': 'RC2-CBC',
};

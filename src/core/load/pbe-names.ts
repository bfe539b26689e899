import { children, readOid, readSmallInteger, readTlv } from '../asn1/der.js';

const CIPHERS: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'AES-128-CBC',
  '2.16.840.1.101.3.4.1.22': 'AES-192-CBC',
  '2.16.840.1.101.3.4.1.42': 'AES-256-CBC',
  '1.2.840.113549.3.7': 'DES-EDE3-CBC',
  '1.3.14.3.2.7': 'DES-CBC',
  '1.2.840.113549.3.2': 'RC2-CBC',
};

const PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'HMAC-SHA1',
  '1.2.840.113549.2.8': 'HMAC-SHA224',
  '1.2.840.113549.2.9': 'HMAC-SHA256',
  '1.2.840.113549.2.10': 'HMAC-SHA384',
  '1.2.840.113549.2.11': 'HMAC-SHA512',
};

const PKCS12_PBE: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.4': 'pbeWithSHAAnd2-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.5': 'pbeWithSHAAnd128BitRC2-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
  '1.2.840.113549.1.5.3': 'pbeWithMD5AndDES-CBC',
  '1.2.840.113549.1.5.10': 'pbeWithSHA1AndDES-CBC',
};

const PBES2 = '1.2.840.113549.1.5.13';

/** A readable name for a password-based encryption scheme: 'AES-256-CBC (PBES2, PBKDF2-HMAC-SHA256, 2048 iterations)'. */
export function describePbe(oid: string, parameters: ArrayBuffer | null | undefined): string {
  if (oid !== PBES2) return PKCS12_PBE[oid] ?? oid;
  try {
    // PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier }
    const [kdfId, schemeId] = children(readTlv(new Uint8Array(parameters ?? new ArrayBuffer(0))));
    if (!kdfId || !schemeId) return 'PBES2';
    const [schemeOid] = children(schemeId);
    const cipherOid = schemeOid ? readOid(schemeOid) : '';
    const cipher = CIPHERS[cipherOid] ?? cipherOid;
    // PBKDF2-params ::= SEQUENCE { salt OCTET STRING, iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf DEFAULT hmacWithSHA1 }
    const [, kdfParams] = children(kdfId);
    const fields = kdfParams ? children(kdfParams) : [];
    const iterations = fields[1] ? readSmallInteger(fields[1]) : 0;
    const prfId = fields.slice(2).find((f) => f.tag === 0x30);
    const prfOidTlv = prfId ? children(prfId)[0] : undefined;
    const prf = prfOidTlv ? (PRFS[readOid(prfOidTlv)] ?? readOid(prfOidTlv)) : 'HMAC-SHA1';
    return `${cipher} (PBES2, PBKDF2-${prf}, ${iterations} iterations)`;
  } catch {
    return 'PBES2';
  }
}

/**
 * The iteration count an EncryptedPrivateKeyInfo asks for (PBES2's PBKDF2, or a PKCS#5 v1 /
 * PKCS#12 PBE scheme's), read before handing the key to OpenSSL, which runs any count; null when
 * the structure is not one of those.
 */
export function keyDerivationIterations(encryptedPrivateKeyInfo: Uint8Array): number | null {
  try {
    const [algorithm] = children(readTlv(encryptedPrivateKeyInfo));
    const [oidTlv, parameters] = algorithm ? children(algorithm) : [];
    if (!oidTlv || !parameters) return null;
    if (readOid(oidTlv) !== PBES2) {
      // PBEParameter / pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER }
      const count = children(parameters)[1];
      return count ? readSmallInteger(count) : null;
    }
    const [kdfId] = children(parameters);
    const kdfParams = kdfId ? children(kdfId)[1] : undefined;
    const count = kdfParams ? children(kdfParams)[1] : undefined;
    return count ? readSmallInteger(count) : null;
  } catch {
    return null;
  }
}

import { AsnConvert } from '@peculiar/asn1-schema';
import { EncryptedPrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { parseCertificate } from '../certificate/parse.js';
import { readPkcs12 } from '../pkcs12/index.js';
import { parseCsr } from './csr.js';
import { describePbe } from './pbe-names.js';
import type { Readers } from './readers.js';

/** Every reader, with the ASN.1 schema (see readers.ts). */
export const FULL_READERS: Readers = { parseCertificate, parseCsr, readPkcs12, pkcs8Encryption };

function pkcs8Encryption(der: Buffer): string {
  try {
    const info = AsnConvert.parse(der, EncryptedPrivateKeyInfo);
    return describePbe(info.encryptionAlgorithm.algorithm, info.encryptionAlgorithm.parameters);
  } catch {
    return 'an unrecognised scheme';
  }
}

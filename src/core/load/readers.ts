import type { ParsedCertificate } from '../certificate/facts.js';
import { parseCertificateQuickly } from '../certificate/facts.js';
import type { Pkcs12Contents } from '../pkcs12/index.js';
import type { ParsedCsr } from './types.js';

/**
 * The parsers decoding hands each block to. The full set (full-readers.ts) loads asn1js and
 * @peculiar/asn1-schema, which costs about 35 ms at start-up; most inputs (PEM certificates and
 * plain keys) need none of it.
 */
export interface Readers {
  parseCertificate(der: Buffer, label: string): ParsedCertificate;
  parseCsr(der: Buffer, origin: string): ParsedCsr;
  readPkcs12(bytes: Buffer, password: string): Pkcs12Contents;
  /** A readable name for the scheme of an encrypted PKCS#8 key. */
  pkcs8Encryption(der: Buffer): string;
}

/** Thrown by QUICK_READERS for what only the full readers can read; the loader then decodes again with them. */
export class FullReadersNeeded extends Error {
  override readonly name = 'FullReadersNeeded';
}

const needFullReaders = (): never => {
  throw new FullReadersNeeded('this input needs the ASN.1 schema readers');
};

/** Readers without any ASN.1 schema: certificates through the DER walker when it can vouch for them. */
export const QUICK_READERS: Readers = {
  parseCertificate: (der, label) => parseCertificateQuickly(der, label) ?? needFullReaders(),
  parseCsr: needFullReaders,
  readPkcs12: needFullReaders,
  pkcs8Encryption: needFullReaders,
};

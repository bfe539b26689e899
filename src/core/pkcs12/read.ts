/** Reads a PKCS#12 (PFX) file: checks its MAC, decrypts its safes and collects certificates and keys. */
import type { ContentInfo } from '@peculiar/asn1-cms';
import { AuthenticatedSafe, CertBag, SafeContents, type SafeBag } from '@peculiar/asn1-pfx';
import { EncryptedPrivateKeyInfo, PrivateKeyInfo } from '@peculiar/asn1-pkcs8';
import { MtlsError } from '../errors.js';
import { decodeDisplayString, octetStringValue } from '../asn1/ber.js';
import { judgeDialect } from './dialect.js';
import { DecryptionFailed, corrupt, parseStructure, unsupported } from './failures.js';
import { passwordEncodings, type PasswordEncoding } from './kdf.js';
import { KdfBudget } from './budget.js';
import { verifyMac } from './mac.js';
import { OID } from './oids.js';
import { decrypt, resolveScheme, type ResolvedScheme } from './pbe.js';
import { EncryptedData, Pfx } from './schemas.js';
import type { Pkcs12Contents } from './types.js';

/**
 * Reads a PKCS#12 file; `password` is '' for an empty password. Throws MtlsError only:
 * MTLS_P12_WRONG_PASSWORD, MTLS_P12_CORRUPT or MTLS_P12_UNSUPPORTED. A file without a key is
 * returned with `keys: []`; whether that is an error is the caller's call (MTLS_P12_NO_KEY).
 */
export function readPkcs12(der: Uint8Array, password: string): Pkcs12Contents {
  try {
    return readOrThrow(der, password);
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    throw corrupt('The PKCS#12 file does not parse.', error);
  }
}

function readOrThrow(der: Uint8Array, password: string): Pkcs12Contents {
  const pfx = parseStructure(der, Pfx, 'outer structure');
  if (Number(pfx.version) !== 3) throw corrupt(`The PKCS#12 file says it is version ${String(pfx.version)}, not 3.`);
  const { contentType } = pfx.authSafe;
  if (contentType === OID.signedData) throw unsupported('public-key integrity (signedData)', 'whole file');
  if (contentType !== OID.data) throw corrupt(`The PKCS#12 file's content has type ${contentType}, not data.`);
  const authSafeBytes = octetStringValue(new Uint8Array(pfx.authSafe.content));

  const encodings = passwordEncodings(password);
  const budget = new KdfBudget();
  const mac = pfx.macData ? verifyMac(pfx.macData, authSafeBytes, encodings, budget) : null;
  const reader = new SafeReader(mac ? [mac.password] : encodings, mac !== null, budget);
  for (const contentInfo of parseStructure(authSafeBytes, AuthenticatedSafe, 'authenticated safe')) {
    reader.readContentInfo(contentInfo);
  }

  const macInfo = mac?.info ?? null;
  return {
    certificates: reader.certificates,
    keys: reader.keys,
    friendlyNames: reader.friendlyNames,
    localKeyIds: reader.pairings(),
    info: {
      mac: macInfo,
      certificateEncryption: reader.safeSchemes[0]?.description ?? null,
      keyEncryption: reader.keySchemes[0]?.description ?? null,
      ...judgeDialect([...reader.safeSchemes, ...reader.keySchemes], macInfo),
    },
  };
}

/** Walks the safes and bags, decrypting what is encrypted, and gathers what it finds. */
class SafeReader {
  readonly certificates: Buffer[] = [];
  readonly friendlyNames: (string | null)[] = [];
  readonly keys: Buffer[] = [];
  /** Schemes of encrypted safes (EncryptedData), which hold the certificates. */
  readonly safeSchemes: ResolvedScheme[] = [];
  /** Schemes of shrouded key bags. */
  readonly keySchemes: ResolvedScheme[] = [];
  private readonly certificateKeyIds: (string | null)[] = [];
  private readonly keyKeyIds: (string | null)[] = [];

  /**
   * @param passwords encodings to decrypt with: the one the MAC confirmed, or all candidates when there is no MAC
   * @param macVerified whether the MAC confirmed the password, which makes a failed decryption damage rather than a wrong password
   */
  constructor(
    private readonly passwords: PasswordEncoding[],
    private readonly macVerified: boolean,
    private readonly budget: KdfBudget,
  ) {}

  readContentInfo(contentInfo: ContentInfo): void {
    switch (contentInfo.contentType) {
      case OID.data:
        this.readBags(parseStructure(octetStringValue(new Uint8Array(contentInfo.content)), SafeContents, 'safe contents'));
        return;
      case OID.encryptedData:
        this.readEncryptedSafe(parseStructure(contentInfo.content, EncryptedData, 'encrypted safe'));
        return;
      case OID.envelopedData:
        throw unsupported('public-key encryption (envelopedData)', 'contents');
      default:
        throw corrupt(`The PKCS#12 file holds a safe of unknown type ${contentInfo.contentType}.`);
    }
  }

  private readEncryptedSafe(encryptedData: EncryptedData): void {
    const { contentEncryptionAlgorithm, encryptedContent } = encryptedData.encryptedContentInfo;
    const scheme = resolveScheme(contentEncryptionAlgorithm, 'certificates');
    this.safeSchemes.push(scheme);
    const ciphertext = encryptedContent?.value
      ? Buffer.from(encryptedContent.value.buffer)
      : Buffer.concat((encryptedContent?.constructedValue ?? []).map((segment) => Buffer.from(segment.buffer)));
    const bags = this.decryptAndParse(scheme, 'certificates', ciphertext, (plaintext) =>
      parseStructure(plaintext, SafeContents, 'decrypted safe contents'),
    );
    this.readBags(bags);
  }

  private readBags(bags: Iterable<SafeBag>): void {
    for (const bag of bags) {
      switch (bag.bagId) {
        case OID.certBag:
          this.readCertBag(bag);
          break;
        case OID.keyBag:
          parseStructure(bag.bagValue, PrivateKeyInfo, 'key bag');
          this.addKey(Buffer.from(bag.bagValue), bag);
          break;
        case OID.pkcs8ShroudedKeyBag:
          this.readShroudedKeyBag(bag);
          break;
        case OID.safeContentsBag:
          this.readBags(parseStructure(bag.bagValue, SafeContents, 'nested safe contents'));
          break;
        default:
          // CRLs, secrets and unknown bags carry nothing a TLS identity needs.
          break;
      }
    }
  }

  private readCertBag(bag: SafeBag): void {
    const certBag = parseStructure(bag.bagValue, CertBag, 'certificate bag');
    if (certBag.certId !== OID.x509Certificate) return;
    this.certificates.push(octetStringValue(new Uint8Array(certBag.certValue)));
    this.friendlyNames.push(attributeValue(bag, OID.friendlyName, decodeDisplayString));
    this.certificateKeyIds.push(attributeValue(bag, OID.localKeyId, (value) => octetStringValue(value).toString('hex')));
  }

  private readShroudedKeyBag(bag: SafeBag): void {
    const shrouded = parseStructure(bag.bagValue, EncryptedPrivateKeyInfo, 'shrouded key bag');
    const scheme = resolveScheme(shrouded.encryptionAlgorithm, 'private key');
    this.keySchemes.push(scheme);
    const key = this.decryptAndParse(scheme, 'private key', new Uint8Array(shrouded.encryptedData.buffer), (plaintext) => {
      parseStructure(plaintext, PrivateKeyInfo, 'decrypted private key');
      return plaintext;
    });
    this.addKey(key, bag);
  }

  private addKey(der: Buffer, bag: SafeBag): void {
    this.keys.push(der);
    this.keyKeyIds.push(attributeValue(bag, OID.localKeyId, (value) => octetStringValue(value).toString('hex')));
  }

  /**
   * Decrypts with each password encoding until the result parses. Padding alone lets a wrong key
   * through once in 256 tries, so the parse is part of the check.
   */
  private decryptAndParse<T>(scheme: ResolvedScheme, usedFor: string, ciphertext: Uint8Array, parse: (plaintext: Buffer) => T): T {
    let lastFailure: unknown;
    for (const password of this.passwords) {
      try {
        return parse(decrypt(scheme, ciphertext, password, this.budget, usedFor));
      } catch (error) {
        const decryptedBadly = error instanceof DecryptionFailed || (error instanceof MtlsError && error.code === 'MTLS_P12_CORRUPT');
        if (!decryptedBadly) throw error;
        lastFailure = error;
      }
    }
    const details = { algorithm: scheme.description.name };
    if (this.macVerified) {
      throw new MtlsError(
        'MTLS_P12_CORRUPT',
        "The PKCS#12 file's integrity check passed, but its contents do not decrypt with the same password.",
        {
          details,
          cause: lastFailure,
          fixes: ['If it was exported with separate integrity and encryption passwords (openssl -twopass), export it again with one password.'],
        },
      );
    }
    throw new MtlsError(
      'MTLS_P12_WRONG_PASSWORD',
      'The PKCS#12 file has no integrity check (MAC), and its contents do not decrypt with this password.',
      { details: { ...details, passwordWasEmpty: this.passwords[0]!.utf8.length === 0 }, cause: lastFailure },
    );
  }

  /** Certificate/key pairs whose localKeyId attributes are equal. */
  pairings(): { certIndex: number; keyIndex: number }[] {
    const pairs: { certIndex: number; keyIndex: number }[] = [];
    this.certificateKeyIds.forEach((certificateId, certIndex) => {
      this.keyKeyIds.forEach((keyId, keyIndex) => {
        if (certificateId !== null && certificateId === keyId) pairs.push({ certIndex, keyIndex });
      });
    });
    return pairs;
  }
}

/** The first value of a bag attribute, decoded; null when absent or undecodable (attributes are only hints). */
function attributeValue<T>(bag: SafeBag, attributeId: string, decode: (value: Uint8Array) => T): T | null {
  const value = bag.bagAttributes?.find((attribute) => attribute.attrId === attributeId)?.attrValues[0];
  if (!value) return null;
  try {
    return decode(new Uint8Array(value));
  } catch {
    return null;
  }
}


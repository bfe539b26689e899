/** The PKCS#12 integrity check: an HMAC over the authenticated safe, keyed by the PKCS#12 KDF (RFC 7292 section 5). */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { MacData } from '@peculiar/asn1-pfx';
import { MtlsError } from '../errors.js';
import { checkIterations, unsupported } from './failures.js';
import type { KdfBudget } from './budget.js';
import { KdfPurpose, pkcs12Kdf, pkcs12KdfBlocks, type PasswordEncoding } from './kdf.js';
import { MAC_DIGESTS, UNSUPPORTED_SCHEME_NAMES, type DigestAlgorithm } from './oids.js';
import type { Pkcs12MacInfo } from './types.js';

const USED_FOR = 'integrity check (MAC)';

export function computeMac(
  digest: DigestAlgorithm,
  password: PasswordEncoding,
  salt: Uint8Array,
  iterations: number,
  content: Uint8Array,
): Buffer {
  const key = pkcs12Kdf(digest, password.bmp, salt, iterations, KdfPurpose.mac, digest.outputLength);
  return createHmac(digest.nodeName, key).update(content).digest();
}

export interface VerifiedMac {
  info: Pkcs12MacInfo;
  /** The password encoding that matched: the one to decrypt with. */
  password: PasswordEncoding;
}

/** Finds the password encoding that reproduces the file's MAC, or throws MTLS_P12_WRONG_PASSWORD. */
export function verifyMac(macData: MacData, content: Uint8Array, encodings: PasswordEncoding[], budget: KdfBudget): VerifiedMac {
  const oid = macData.mac.digestAlgorithm.algorithm;
  const digest = MAC_DIGESTS[oid];
  if (!digest) throw unsupported(UNSUPPORTED_SCHEME_NAMES[oid] ?? `digest ${oid}`, USED_FOR);
  const iterations = checkIterations(macData.iterations, USED_FOR, 'pkcs12');
  const salt = new Uint8Array(macData.macSalt.buffer);
  const expected = Buffer.from(macData.mac.digest.buffer);
  const info: Pkcs12MacInfo = { algorithm: digest.name, iterations, saltLength: salt.length };
  for (const password of encodings) {
    budget.spend('pkcs12', iterations * pkcs12KdfBlocks(digest, digest.outputLength), USED_FOR);
    const actual = computeMac(digest, password, salt, iterations, content);
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return { info, password };
  }
  throw new MtlsError('MTLS_P12_WRONG_PASSWORD', "The password does not match the PKCS#12 file's integrity check (MAC).", {
    details: { macAlgorithm: digest.name, passwordWasEmpty: encodings[0]!.utf8.length === 0 },
  });
}

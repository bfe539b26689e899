/** How this module turns parse and crypto failures into the project's MtlsError codes. */
import { AsnParser } from '@peculiar/asn1-schema';
import { MtlsError } from '../errors.js';
import { MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS, tooManyIterations, type Kdf } from './budget.js';

/** A decryption whose padding or contents came out wrong: a wrong password, or damaged bytes. */
export class DecryptionFailed extends Error {
  override readonly name = 'DecryptionFailed';
}

export function corrupt(summary: string, cause?: unknown): MtlsError {
  return new MtlsError('MTLS_P12_CORRUPT', summary, cause === undefined ? {} : { cause });
}

export function unsupported(algorithm: string, usedFor: string): MtlsError {
  return new MtlsError('MTLS_P12_UNSUPPORTED', `The PKCS#12 file protects its ${usedFor} with ${algorithm}, which this tool cannot read.`, {
    details: { algorithm, usedFor },
    fixes: ['Check the file with `openssl pkcs12 -in FILE -info -noout`: damage can also turn an algorithm identifier into an unknown one.'],
  });
}

/** The most iterations written (`p12 export --iter`): what we write, we must be able to read. */
export const MAX_ITERATIONS = MAX_PKCS12_KDF_ITERATIONS;

/**
 * Checks an iteration count from the file; above the cap for its KDF (budget.ts) it is refused
 * before any work. asn1-schema hands INTEGERs of 4 bytes or more over as decimal strings, hence
 * the Number().
 */
export function checkIterations(value: number | string, usedFor: string, kdf: Kdf): number {
  const iterations = Number(value);
  if (!Number.isSafeInteger(iterations) || iterations < 1) {
    throw corrupt(`The PKCS#12 file's ${usedFor} has an invalid iteration count.`);
  }
  if (iterations > (kdf === 'pkcs12' ? MAX_PKCS12_KDF_ITERATIONS : MAX_PBKDF2_ITERATIONS)) throw tooManyIterations(iterations, usedFor, kdf);
  return iterations;
}

/** Parses `bytes` as `type`; a failure becomes MTLS_P12_CORRUPT naming the structure. */
export function parseStructure<T>(bytes: Uint8Array | ArrayBuffer, type: new () => T, structure: string): T {
  try {
    return AsnParser.parse(bytes, type);
  } catch (error) {
    throw corrupt(`The PKCS#12 file's ${structure} does not parse.`, error);
  }
}

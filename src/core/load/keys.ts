import { createPrivateKey, type KeyObject } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { describeKey } from '../key/describe.js';
import { MAX_PBKDF2_ITERATIONS } from '../kdf-limits.js';
import { keyDerivationIterations } from './pbe-names.js';
import { toPem, type PemBlock } from './pem.js';
import type { KeyEncoding, LoadedKey, LockedKey, LoadOptions } from './types.js';
import type { Readers } from './readers.js';

type KeyInput =
  | { kind: 'pem'; block: PemBlock }
  | { kind: 'der'; der: Buffer; type: 'pkcs8' | 'sec1' | 'pkcs1'; encrypted: boolean };

/** PEM labels of private keys and how they are stored. */
export const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'DSA PRIVATE KEY']);

type DescribeEncryption = Readers['pkcs8Encryption'];

export function keyFromPem(block: PemBlock, origin: string, options: LoadOptions, pkcs8Encryption: DescribeEncryption): LoadedKey | LockedKey {
  return openKey({ kind: 'pem', block }, origin, options, pkcs8Encryption);
}

export function keyFromDer(
  der: Buffer,
  type: 'pkcs8' | 'sec1' | 'pkcs1',
  encrypted: boolean,
  origin: string,
  options: LoadOptions,
  pkcs8Encryption: DescribeEncryption,
): LoadedKey | LockedKey {
  return openKey({ kind: 'der', der, type, encrypted }, origin, options, pkcs8Encryption);
}

export function isLocked(key: LoadedKey | LockedKey): key is LockedKey {
  return !('key' in key);
}

function openKey(input: KeyInput, origin: string, options: LoadOptions, pkcs8Encryption: DescribeEncryption): LoadedKey | LockedKey {
  const { encoding, encryption } = storageOf(input, pkcs8Encryption);
  const passphrase = options.passphrase;
  if (encryption && !passphrase) {
    if (options.decrypt === 'optional') return { encoding, encryption };
    throw new MtlsError('MTLS_KEY_ENCRYPTED_NO_PASSPHRASE', `${origin} holds a private key stored as ${encoding} (${encryption}), and no passphrase was given.`, {
      details: { origin, encoding, encryption },
    });
  }
  if (encoding === 'encrypted PKCS#8') checkKeyIterations(input.kind === 'pem' ? input.block.der : input.der, origin);
  let key: KeyObject;
  try {
    key =
      input.kind === 'pem'
        ? createPrivateKey({ key: canonicalPem(input.block), format: 'pem', ...(encryption ? { passphrase: passphrase?.value ?? '' } : {}) })
        : createPrivateKey({ key: input.der, format: 'der', type: input.type, ...(encryption ? { passphrase: passphrase?.value ?? '' } : {}) });
  } catch (error) {
    throw keyError(error, origin, encoding, encryption, passphrase?.origin);
  }
  return { key, encoding, encryption, facts: describeKey(key) };
}

/**
 * OpenSSL runs whatever iteration count an encrypted key asks for: 2^31 rounds of PBKDF2 would
 * take ten minutes. The cap is the one for PKCS#12 files, whose PBES2 is the same scheme.
 */
function checkKeyIterations(der: Buffer, origin: string): void {
  const iterations = keyDerivationIterations(der);
  if (iterations === null || iterations <= MAX_PBKDF2_ITERATIONS) return;
  throw new MtlsError('MTLS_KEY_ITERATIONS_TOO_HIGH', `${origin}: the encrypted key asks for ${iterations} key-derivation iterations; more than ${MAX_PBKDF2_ITERATIONS} are refused (usual keys use 2048 to 600000).`, {
    details: { origin, iterations, limit: MAX_PBKDF2_ITERATIONS },
  });
}

/**
 * The block re-wrapped the way OpenSSL reads it best: 64-column base64 and only the headers it
 * uses. A key carried on one line (a CI variable) or with CRLF then reads like any other; OpenSSL
 * refuses a long-line traditional-encrypted body, which would pass for a wrong passphrase.
 */
function canonicalPem(block: PemBlock): string {
  const headers = ['Proc-Type', 'DEK-Info'].flatMap((name) => (block.headers[name] !== undefined ? [`${name}: ${block.headers[name]}\n`] : []));
  const pem = toPem(block.label, block.der);
  if (headers.length === 0) return pem;
  const firstLineEnd = pem.indexOf('\n') + 1;
  return `${pem.slice(0, firstLineEnd)}${headers.join('')}\n${pem.slice(firstLineEnd)}`;
}

function storageOf(input: KeyInput, pkcs8Encryption: DescribeEncryption): { encoding: KeyEncoding; encryption: string | null } {
  if (input.kind === 'der') {
    if (input.encrypted) return { encoding: 'encrypted PKCS#8', encryption: pkcs8Encryption(input.der) };
    if (input.type === 'sec1') return { encoding: 'SEC1', encryption: null };
    if (input.type === 'pkcs1') return { encoding: 'PKCS#1', encryption: null };
    return { encoding: 'PKCS#8', encryption: null };
  }
  const { label, headers, der } = input.block;
  if (label === 'ENCRYPTED PRIVATE KEY') return { encoding: 'encrypted PKCS#8', encryption: pkcs8Encryption(der) };
  if (headers['Proc-Type']?.includes('ENCRYPTED')) {
    // The pre-PKCS#8 form: a Proc-Type/DEK-Info header, key derived from the passphrase with one MD5 round.
    const cipher = (headers['DEK-Info'] ?? 'unknown cipher').split(',')[0] ?? 'unknown cipher';
    const encoding = label === 'RSA PRIVATE KEY' ? 'traditional OpenSSL-encrypted PKCS#1' : 'traditional OpenSSL-encrypted SEC1';
    return { encoding, encryption: `${cipher} (MD5-based key derivation)` };
  }
  if (label === 'EC PRIVATE KEY') return { encoding: 'SEC1', encryption: null };
  if (label === 'RSA PRIVATE KEY') return { encoding: 'PKCS#1', encryption: null };
  return { encoding: 'PKCS#8', encryption: null };
}

function keyError(error: unknown, origin: string, encoding: KeyEncoding, encryption: string | null, passOrigin: string | undefined): MtlsError {
  const code = (error as { code?: string }).code ?? '';
  const message = (error as Error).message ?? '';
  if (encryption) {
    // A wrong passphrase usually fails the padding check ("bad decrypt"), but about one time in
    // 256 the padding passes by chance and the garbage then fails to parse ("unsupported"). So
    // "unsupported" means an unsupported cipher only when the cipher is one OpenSSL 3 dropped.
    const legacyCipher = /RC2|RC4|\bDES-CBC\b|pbeWithMD5|pbeWithSHA1AndDES/i.test(encryption);
    if (legacyCipher && (code === 'ERR_OSSL_EVP_UNSUPPORTED' || /unsupported/i.test(message))) {
      return new MtlsError('MTLS_KEY_CORRUPT', `${origin}: the key is encrypted with ${encryption}, which this OpenSSL build does not support.`, {
        fixes: [`Re-encrypt it with AES-256: \`openssl pkcs8 -topk8 -v2 aes-256-cbc -in ${origin} -out key-aes.pem\` (add -provider legacy -provider default to read the old one).`],
        cause: error,
      });
    }
    return new MtlsError(
      'MTLS_KEY_WRONG_PASSPHRASE',
      `${origin}: the passphrase from ${passOrigin ?? 'the input'} does not decrypt this ${encoding} key (${encryption}).`,
      { details: { origin, encoding, encryption, passphraseFrom: passOrigin ?? 'none' }, cause: error },
    );
  }
  return new MtlsError('MTLS_KEY_CORRUPT', `${origin}: the ${encoding} private key does not parse (${code || 'invalid data'}).`, {
    details: { origin, encoding },
    cause: error,
  });
}

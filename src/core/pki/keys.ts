import { createPublicKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { MtlsError } from '../errors.js';

type WebAlgorithm = webcrypto.RsaHashedImportParams | webcrypto.EcKeyImportParams | webcrypto.EcdsaParams | webcrypto.Algorithm;

import { KEY_TYPES, type KeyType } from './key-types.js';

export { DEFAULT_KEY_TYPE, KEY_TYPES, type KeyType } from './key-types.js';

const generate = promisify(generateKeyPair);

/** A new private key. Asynchronous, so a spinner keeps turning while RSA-4096 is found. */
export async function generateKey(type: KeyType): Promise<KeyObject> {
  switch (type) {
    case 'ec-p256':
      return (await generate('ec', { namedCurve: 'P-256' })).privateKey;
    case 'ec-p384':
      return (await generate('ec', { namedCurve: 'P-384' })).privateKey;
    case 'rsa-2048':
    case 'rsa-3072':
    case 'rsa-4096':
      return (await generate('rsa', { modulusLength: Number(type.slice(4)) })).privateKey;
    case 'ed25519':
      return (await generate('ed25519')).privateKey;
  }
}

/** The --key-type name of an existing key, so a renewal makes a key of the same kind. */
export function keyTypeOf(key: KeyObject): KeyType | null {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1') return 'ec-p256';
  if (key.asymmetricKeyType === 'ec' && details.namedCurve === 'secp384r1') return 'ec-p384';
  if (key.asymmetricKeyType === 'rsa') {
    const name = `rsa-${details.modulusLength ?? 0}`;
    return (KEY_TYPES as readonly string[]).includes(name) ? (name as KeyType) : null;
  }
  return null;
}

/**
 * Where a key type is poorly supported by TLS peers. Ed25519 certificates need TLS 1.3 and are
 * refused by browsers, Java before 15, Go's crypto/tls before 1.13 and most hardware.
 */
export function keyTypeWarnings(type: KeyType, profile: 'root' | 'intermediate' | 'server' | 'client'): string[] {
  if (type !== 'ed25519') return [];
  if (profile === 'client') {
    return ['Ed25519 client certificates are accepted by few servers (no browser, no Java before 15, not over TLS 1.2 in many stacks); use ec-p256 unless you know every server takes it.'];
  }
  if (profile === 'server') {
    return ['Ed25519 server certificates are refused by browsers and need TLS 1.3 elsewhere; use ec-p256 for anything a browser will open.'];
  }
  return ['An Ed25519 CA signs with Ed25519, which browsers and many TLS stacks do not verify; use ec-p256 unless every peer supports it.'];
}

/** The support warnings for an existing key used in a profile. */
export function keyWarnings(key: KeyObject, profile: 'root' | 'intermediate' | 'server' | 'client'): string[] {
  const type = keyTypeOf(key);
  return type ? keyTypeWarnings(type, profile) : [];
}

interface WebAlgorithms {
  importAlgorithm: WebAlgorithm;
  signingAlgorithm: WebAlgorithm;
}

/** The WebCrypto names for a Node key: how to import it and how it signs (SHA-384 for P-384, as the curve's strength asks). */
function webAlgorithms(key: KeyObject): WebAlgorithms {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : curve === 'secp521r1' ? 'P-521' : null;
      if (!namedCurve) break;
      const hash = namedCurve === 'P-256' ? 'SHA-256' : namedCurve === 'P-384' ? 'SHA-384' : 'SHA-512';
      return { importAlgorithm: { name: 'ECDSA', namedCurve }, signingAlgorithm: { name: 'ECDSA', hash } };
    }
    case 'rsa': {
      const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
      return { importAlgorithm: algorithm, signingAlgorithm: algorithm };
    }
    case 'ed25519':
      return { importAlgorithm: { name: 'Ed25519' }, signingAlgorithm: { name: 'Ed25519' } };
  }
  throw new MtlsError('MTLS_KEY_CORRUPT', `A ${key.asymmetricKeyType ?? 'unknown'} key${curve ? ` on ${curve}` : ''} cannot sign here; use an EC (P-256, P-384), RSA or Ed25519 key.`);
}

export interface WebSigningKey {
  privateKey: webcrypto.CryptoKey;
  publicKey: webcrypto.CryptoKey;
  signingAlgorithm: WebAlgorithms['signingAlgorithm'];
}

/** A Node private key as the WebCrypto pair @peculiar/x509 signs with (through PKCS#8 and SPKI DER). */
export async function toWebSigningKey(key: KeyObject): Promise<WebSigningKey> {
  const { importAlgorithm, signingAlgorithm } = webAlgorithms(key);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, importAlgorithm, false, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, importAlgorithm, true, ['verify']);
  return { privateKey, publicKey, signingAlgorithm };
}

/** SubjectPublicKeyInfo DER of a private or public key. */
export function spkiOf(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

/**
 * PEM of a private key: PKCS#8, and with a passphrase PKCS#8 encrypted with AES-256-CBC and
 * PBKDF2 (OpenSSL 3's default scheme), readable by openssl, nginx, Node and Java.
 */
export function privateKeyPem(key: KeyObject, passphrase?: string): string {
  if (passphrase === undefined) return key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

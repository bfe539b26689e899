import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

export interface KeyFacts {
  /** 'RSA', 'RSA-PSS', 'EC', 'Ed25519', 'Ed448', 'DSA', … */
  algorithm: string;
  /** Modulus size for RSA/DSA, curve size for EC, 256/456 for Ed25519/Ed448. */
  bits: number | null;
  /** 'P-256', 'P-384', 'P-521', or Node's name for other curves. */
  curve: string | null;
  /** SHA-256 of the SubjectPublicKeyInfo (DER): the same value for a key and its certificate. */
  spkiSha256: string;
}

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
};

/** Facts about a public (or private: its public half is used) key. Never exposes key material. */
export function describeKey(key: KeyObject, spkiDer?: Uint8Array): KeyFacts {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const details = publicKey.asymmetricKeyDetails ?? {};
  const type = publicKey.asymmetricKeyType ?? 'unknown';
  // A certificate's own SubjectPublicKeyInfo bytes are the export: hashing them saves a re-encode per certificate.
  const spki = spkiDer ?? publicKey.export({ type: 'spki', format: 'der' });
  const facts: KeyFacts = { algorithm: algorithmName(type), bits: null, curve: null, spkiSha256: colonHex(createHash('sha256').update(spki).digest()) };
  if (details.modulusLength) facts.bits = details.modulusLength;
  if (details.namedCurve) {
    const curve = CURVES[details.namedCurve];
    facts.curve = curve?.name ?? details.namedCurve;
    facts.bits = curve?.bits ?? null;
  }
  if (type === 'ed25519') facts.bits = 256;
  if (type === 'ed448') facts.bits = 456;
  return facts;
}

/** "EC P-256", "RSA 2048", "Ed25519": how people name a key. */
export function keyLabel(facts: KeyFacts): string {
  if (facts.curve) return `${facts.algorithm} ${facts.curve}`;
  if (facts.algorithm.startsWith('RSA') || facts.algorithm === 'DSA') return `${facts.algorithm} ${facts.bits ?? '?'}`;
  return facts.algorithm;
}

function algorithmName(type: string): string {
  switch (type) {
    case 'rsa':
      return 'RSA';
    case 'rsa-pss':
      return 'RSA-PSS';
    case 'ec':
      return 'EC';
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'dsa':
      return 'DSA';
    default:
      return type.toUpperCase();
  }
}

export function colonHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase().match(/../g)?.join(':') ?? '';
}

import type { ParsedCertificate } from '../certificate/parse.js';
import { viewOf } from './view.js';

/**
 * The crypto policy TLS peers enforce today, so that `chain verify` does not call valid a chain
 * the peer will refuse. Each finding says who refuses it and who would still accept it.
 *
 * - Signatures with MD5 or SHA-1 (and MD2/MD4): Node (its OpenSSL 3.0 at the default security
 *   level 1 refuses both, ERR_SSL_CA_MD_TOO_WEAK), browsers and Go refuse them. A trust
 *   anchor's self-signature is not checked: the anchor is trusted by being in the store.
 * - RSA keys under 2048 bits: OpenSSL security level 2 (the default from OpenSSL 3.2), browsers
 *   (CA/B Forum) and Go refuse them; Node 20 (level 1) accepts 1024. Moduli not a multiple of 8
 *   bits: rustls-webpki refuses them.
 * - DSA keys and signatures: browsers, Go, rustls refuse; TLS 1.3 has no DSA at all.
 * - EC keys on curves other than P-256, P-384, P-521, or with explicit curve parameters:
 *   browsers, Go, rustls refuse them (CA/B Forum 7.1.3.1.2); OpenSSL may accept them.
 * - Ed25519 and Ed448 are accepted (OpenSSL, Go, Node; browsers do not yet use them).
 */
export interface PolicyFinding {
  /** What is wrong, as a phrase: "signed with SHA-1 (sha1WithRSAEncryption)". */
  what: string;
  /** Who refuses it and who would still accept it. */
  who: string;
  /** Only pedantic (limbo tags it): a warning unless strict. */
  pedantic: boolean;
}

const WEAK_HASH_SIGNATURES: Record<string, string> = {
  'md5WithRSAEncryption': 'MD5',
  '1.2.840.113549.1.1.2': 'MD2',
  '1.2.840.113549.1.1.3': 'MD4',
  'sha1WithRSAEncryption': 'SHA-1',
  'ecdsa-with-SHA1': 'SHA-1',
  '1.2.840.10040.4.3': 'SHA-1',
  '1.3.14.3.2.29': 'SHA-1',
};
const DSA_SIGNATURES = new Set(['1.2.840.10040.4.3', '2.16.840.1.101.3.4.3.1', '2.16.840.1.101.3.4.3.2', '2.16.840.1.101.3.4.3.3', '2.16.840.1.101.3.4.3.4']);
const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const ALLOWED_CURVES = new Set(['P-256', 'P-384', 'P-521']);

/** The signature on `cert` (made by its issuer's key); skipped for a trust anchor's own. */
export function signaturePolicy(cert: ParsedCertificate): PolicyFinding | null {
  const algorithm = cert.facts.signatureAlgorithm;
  const hash = WEAK_HASH_SIGNATURES[algorithm];
  if (hash) {
    return {
      what: `is signed with ${hash} (${algorithm})`,
      who: hash === 'SHA-1'
        ? "Node's TLS (its OpenSSL 3 at the default security level 1: ERR_SSL_CA_MD_TOO_WEAK), browsers and Go refuse SHA-1 signatures; only OpenSSL at security level 0 still accepts them"
        : `every current TLS stack (Node, OpenSSL, browsers, Go) refuses ${hash} signatures`,
      pedantic: false,
    };
  }
  if (DSA_SIGNATURES.has(algorithm)) return { what: `is signed with DSA (${algorithm})`, who: 'browsers, Go and rustls refuse DSA, and TLS 1.3 has no DSA; only OpenSSL still verifies it', pedantic: false };
  return null;
}

/** The key `cert` certifies. */
export function keyPolicy(cert: ParsedCertificate, isLeaf: boolean): PolicyFinding | null {
  const key = cert.facts.publicKey;
  const view = viewOf(cert);
  if (key.algorithm === 'RSA' || key.algorithm === 'RSA-PSS') {
    const bits = key.bits ?? 0;
    if (bits < 2048) {
      return { what: `holds an RSA key of ${bits} bits`, who: "browsers, Go and OpenSSL at security level 2 (the default from OpenSSL 3.2, and of several distributions: 'ee key too small' / 'ca key too small') refuse RSA keys under 2048 bits; Node's own TLS (OpenSSL 3.0 at level 1) still accepts 1024, mtls request, doctor and the library do not", pedantic: false };
    }
    if (bits % 8 !== 0) return { what: `holds an RSA key of ${bits} bits, not a multiple of 8`, who: 'rustls-webpki and the CA/B Forum (6.1.5) refuse it; OpenSSL, Node and Go accept it', pedantic: isLeaf };
    return null;
  }
  if (key.algorithm === 'DSA') return { what: `holds a DSA key`, who: 'browsers, Go and rustls refuse DSA keys, and TLS 1.3 has no DSA; OpenSSL and Node still accept them in TLS 1.2', pedantic: false };
  if (key.algorithm === 'EC') {
    if (view.keyAlgorithmOid === EC_PUBLIC_KEY && view.keyParametersTag === 0x30) {
      return { what: 'holds an EC key with explicit curve parameters', who: 'browsers, Go, rustls and OpenSSL 3 with -x509_strict refuse explicit curve parameters (CA/B Forum 7.1.3.1.2; CVE-2022-0778 lived there); plain OpenSSL accepts them', pedantic: false };
    }
    if (!key.curve || !ALLOWED_CURVES.has(key.curve)) {
      return { what: `holds an EC key on the curve ${key.curve ?? 'unknown'}`, who: 'browsers, Go and rustls accept only P-256, P-384 and P-521; OpenSSL and Node may accept others', pedantic: false };
    }
  }
  return null;
}

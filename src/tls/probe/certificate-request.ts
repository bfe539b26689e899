import { Cursor } from './records.js';
import { decodeDistinguishedName } from './distinguished-name.js';

/** What a TLS 1.2 server asks of the client (RFC 5246 §7.4.4). */
export interface CertificateRequestFacts {
  certificateTypes: string[];
  signatureAlgorithms: string[];
  /** The CAs whose certificates the server accepts, as one-line names; empty means "any". */
  certificateAuthorities: string[];
}

const CERTIFICATE_TYPES: Record<number, string> = { 1: 'rsa_sign', 2: 'dss_sign', 3: 'rsa_fixed_dh', 4: 'dss_fixed_dh', 64: 'ecdsa_sign', 65: 'rsa_fixed_ecdh', 66: 'ecdsa_fixed_ecdh' };

const SIGNATURE_SCHEMES: Record<number, string> = {
  0x0201: 'rsa_pkcs1_sha1',
  0x0202: 'dsa_sha1',
  0x0301: 'rsa_pkcs1_sha224',
  0x0302: 'dsa_sha224',
  0x0303: 'ecdsa_sha224',
  0x0402: 'dsa_sha256',
  0x0502: 'dsa_sha384',
  0x0602: 'dsa_sha512',
  0x0203: 'ecdsa_sha1',
  0x0401: 'rsa_pkcs1_sha256',
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0501: 'rsa_pkcs1_sha384',
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0601: 'rsa_pkcs1_sha512',
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
};

export function parseCertificateRequest(body: Buffer): CertificateRequestFacts {
  const cursor = new Cursor(body);
  const types = [...cursor.vector(1)].map((t) => CERTIFICATE_TYPES[t] ?? `type_${t}`);
  const schemesBytes = cursor.vector(2);
  const signatureAlgorithms: string[] = [];
  for (let i = 0; i + 1 < schemesBytes.length; i += 2) {
    const scheme = schemesBytes.readUInt16BE(i);
    signatureAlgorithms.push(SIGNATURE_SCHEMES[scheme] ?? `0x${scheme.toString(16).padStart(4, '0')}`);
  }
  const authorities = new Cursor(cursor.vector(2));
  const certificateAuthorities: string[] = [];
  while (authorities.remaining > 0) certificateAuthorities.push(decodeDistinguishedName(authorities.vector(2)));
  return { certificateTypes: types, signatureAlgorithms, certificateAuthorities };
}

/** The Certificate message: the chain exactly as the server sent it, leaf first (RFC 5246 §7.4.2). */
export function parseCertificateMessage(body: Buffer): Buffer[] {
  const list = new Cursor(new Cursor(body).vector(3));
  const chain: Buffer[] = [];
  while (list.remaining > 0) chain.push(Buffer.from(list.vector(3)));
  return chain;
}

export interface ServerHelloFacts {
  /** 0x0303 for TLS 1.2; 0x0304 when a supported_versions extension selects TLS 1.3. */
  version: number;
  cipherSuite: number;
}

const EXT_SUPPORTED_VERSIONS = 0x002b;

export function parseServerHello(body: Buffer): ServerHelloFacts {
  const cursor = new Cursor(body);
  let version = cursor.uint(2);
  cursor.take(32); // random
  cursor.vector(1); // session id
  const cipherSuite = cursor.uint(2);
  cursor.take(1); // compression
  if (cursor.remaining > 0) {
    const extensions = new Cursor(cursor.vector(2));
    while (extensions.remaining >= 4) {
      const type = extensions.uint(2);
      const data = extensions.vector(2);
      if (type === EXT_SUPPORTED_VERSIONS && data.length === 2) version = data.readUInt16BE(0);
    }
  }
  return { version, cipherSuite };
}

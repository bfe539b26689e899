import type { CertificateFacts } from '../certificate/parse.js';

/** What the chain is for: a TLS client certificate, a TLS server certificate, or either. */
export type Purpose = 'client' | 'server' | 'any';

export const PURPOSE_EKU: Record<Exclude<Purpose, 'any'>, string> = { client: 'clientAuth', server: 'serverAuth' };

/**
 * Whether the certificate's extendedKeyUsage allows the purpose. An absent extension allows
 * everything. As in OpenSSL, this applies to CA certificates too: an intermediate whose EKU
 * lists only serverAuth cannot vouch for client certificates, whatever its leaves say.
 */
export function ekuAllows(facts: CertificateFacts, purpose: Purpose): boolean {
  if (purpose === 'any' || facts.extendedKeyUsage === null) return true;
  return facts.extendedKeyUsage.includes(PURPOSE_EKU[purpose]);
}

/**
 * Whether a leaf's keyUsage allows the TLS role (when the extension is present): a server
 * signs the handshake, decrypts an RSA key exchange or agrees a key; a client signs or agrees.
 */
export function leafKeyUsageAllows(facts: CertificateFacts, purpose: Purpose): boolean {
  if (purpose === 'any' || facts.keyUsage === null) return true;
  const needed = purpose === 'server' ? ['digitalSignature', 'keyEncipherment', 'keyAgreement'] : ['digitalSignature', 'keyAgreement'];
  return needed.some((usage) => facts.keyUsage?.includes(usage));
}

/** A CA's keyUsage, when present, must include keyCertSign for it to issue certificates. */
export function caKeyUsageAllows(facts: CertificateFacts): boolean {
  return facts.keyUsage === null || facts.keyUsage.includes('keyCertSign');
}

import type { KeyObject } from 'node:crypto';
import { x509 } from './x509.js';
import type { SanEntry } from './san.js';

export type Profile = 'root' | 'intermediate' | 'server' | 'client';

/** Default lifetimes. 397 days is the longest a publicly trusted server certificate may have (CA/B Forum, Apple), so leaves follow it. */
export const DEFAULT_DAYS: Record<Profile, number> = { root: 3650, intermediate: 1825, server: 397, client: 397 };

export interface ExtensionInput {
  profile: Profile;
  subjectPublicKey: KeyObject;
  /** SPKI DER of the subject's and the issuer's keys (the same for a root). */
  subjectSpki: Buffer;
  issuerSpki: Buffer;
  sans: SanEntry[];
}

const { KeyUsageFlags: Usage } = x509;

/**
 * The extensions of each profile, as a careful CA sets them:
 * - CAs: basicConstraints CA:TRUE and keyUsage keyCertSign+cRLSign, both critical; an
 *   intermediate gets pathlen 0 (it signs leaves, never further CAs).
 * - Leaves: CA:FALSE; keyUsage digitalSignature (plus keyEncipherment for RSA server keys, which
 *   TLS 1.2 RSA key exchange still uses); exactly one extendedKeyUsage — a client certificate is
 *   never also a server certificate (mkcert's are), so a stolen one cannot impersonate a server.
 * - Every certificate gets a subjectKeyIdentifier, every issued one an authorityKeyIdentifier,
 *   so chains are built by key, not only by name.
 */
export async function profileExtensions(input: ExtensionInput): Promise<x509.Extension[]> {
  const { profile, sans } = input;
  const extensions: x509.Extension[] = [];
  if (profile === 'root' || profile === 'intermediate') {
    extensions.push(new x509.BasicConstraintsExtension(true, profile === 'intermediate' ? 0 : undefined, true));
    extensions.push(new x509.KeyUsagesExtension(Usage.keyCertSign | Usage.cRLSign, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    const rsaServer = profile === 'server' && input.subjectPublicKey.asymmetricKeyType === 'rsa';
    extensions.push(new x509.KeyUsagesExtension(Usage.digitalSignature | (rsaServer ? Usage.keyEncipherment : 0), true));
    extensions.push(new x509.ExtendedKeyUsageExtension([profile === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]));
    if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(Array.from(sans, generalName)));
  }
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(input.subjectSpki));
  if (profile !== 'root') extensions.push(await x509.AuthorityKeyIdentifierExtension.create(input.issuerSpki));
  return extensions;
}

export function generalName(entry: SanEntry): x509.JsonGeneralName {
  switch (entry.type) {
    case 'DNS':
      return { type: 'dns', value: entry.value };
    case 'IP':
      return { type: 'ip', value: entry.value };
    case 'URI':
      return { type: 'url', value: entry.value };
    case 'email':
      return { type: 'email', value: entry.value };
  }
}

import { createHash } from 'node:crypto';

/**
 * One name for the CA in every store (file name, NSS nickname, Java alias): readable, and unique
 * to this CA through its fingerprint, so uninstall removes exactly what install added and two
 * CAs with one CN never collide.
 */
export function trustName(commonName: string | null, der: Buffer): string {
  const slug = (commonName ?? 'ca')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const fingerprint = createHash('sha256').update(der).digest('hex').slice(0, 8);
  return `${slug.startsWith('mtls') ? '' : 'mtls-'}${slug || 'ca'}-${fingerprint}`;
}

import { X509Certificate } from 'node:crypto';
import { looksLikePkcs12 } from '../pkcs12/sniff.js';
import { MtlsError } from '../errors.js';

/** What one file holds, for expiry: certificates (native parse only), or why it was passed over. */
export type FileCertificates =
  | { kind: 'certificates'; certificates: X509Certificate[] }
  /** Not a certificate file at all (a key, a README): counted, not reported. */
  | { kind: 'ignored' }
  /** A certificate container that could not be opened (an encrypted PKCS#12 without password). */
  | { kind: 'skipped'; reason: string };

const PEM_CERTIFICATE = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/**
 * The fast path for bulk reading: PEM blocks are cut out with one regular expression and handed
 * to Node's native X509Certificate; no ASN.1 parse in JavaScript. PKCS#12 is decoded (its code
 * loaded) only when such a file is met.
 */
export async function certificatesInBytes(bytes: Buffer, password: string | undefined): Promise<FileCertificates> {
  if (bytes.length === 0) return { kind: 'ignored' };
  if (bytes[0] === 0x30) return fromBinary(bytes, password);
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return { kind: 'ignored' };
  const certificates: X509Certificate[] = [];
  for (const match of text.matchAll(PEM_CERTIFICATE)) {
    try {
      certificates.push(new X509Certificate(Buffer.from(match[1] ?? '', 'base64')));
    } catch {
      return { kind: 'skipped', reason: `PEM block ${certificates.length + 1} is not a valid certificate` };
    }
  }
  return certificates.length > 0 ? { kind: 'certificates', certificates } : { kind: 'ignored' };
}

async function fromBinary(bytes: Buffer, password: string | undefined): Promise<FileCertificates> {
  if (looksLikePkcs12(bytes)) {
    const { readPkcs12 } = await import('../pkcs12/index.js');
    try {
      const contents = readPkcs12(bytes, password ?? '');
      return { kind: 'certificates', certificates: contents.certificates.map((der) => new X509Certificate(der)) };
    } catch (error) {
      if (error instanceof MtlsError && error.code === 'MTLS_P12_WRONG_PASSWORD') {
        return { kind: 'skipped', reason: password === undefined ? 'password-protected PKCS#12 and no --pass given' : 'the --pass password does not open this PKCS#12' };
      }
      return { kind: 'skipped', reason: error instanceof Error ? `PKCS#12 cannot be read: ${error.message}` : 'PKCS#12 cannot be read' };
    }
  }
  try {
    return { kind: 'certificates', certificates: [new X509Certificate(bytes)] };
  } catch {
    return { kind: 'ignored' };
  }
}

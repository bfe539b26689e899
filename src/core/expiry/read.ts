import { X509Certificate } from 'node:crypto';
import { startsLikeCertificate } from '../certificate/sniff.js';
import { looksLikePkcs12 } from '../pkcs12/sniff.js';
import { MtlsError } from '../errors.js';

/** What one file holds, for expiry: certificates (native parse only), or why it was passed over. */
export type FileCertificates<Certificate = X509Certificate> =
  | { kind: 'certificates'; certificates: Certificate[] }
  /** Not a certificate file at all (a key, a README): counted, not reported. */
  | { kind: 'ignored' }
  /** A certificate container that could not be opened (an encrypted PKCS#12 without password). */
  | { kind: 'skipped'; reason: string; code?: string };

const PEM_CERTIFICATE_BEGIN = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----/g;
const PEM_CERTIFICATE = /-----BEGIN (?:X509 |TRUSTED )?CERTIFICATE-----([\s\S]*?)-----END (?:X509 |TRUSTED )?CERTIFICATE-----/g;

/**
 * The fast path for bulk reading: PEM blocks are cut out with one regular expression and handed
 * to Node's native X509Certificate (or to `decode`: expiry summarises DER itself); no ASN.1 schema
 * in JavaScript. PKCS#12 is decoded (its code loaded) only when such a file is met.
 */
export function certificatesInBytes(bytes: Buffer, password: string | undefined): Promise<FileCertificates>;
/** The same, with each certificate's DER turned into what the caller needs (it throws for a bad one). */
export function certificatesInBytes<Certificate>(bytes: Buffer, password: string | undefined, decode: (der: Buffer) => Certificate): Promise<FileCertificates<Certificate>>;
export async function certificatesInBytes(
  bytes: Buffer,
  password: string | undefined,
  decode: (der: Buffer) => unknown = (der) => new X509Certificate(der),
): Promise<FileCertificates<unknown>> {
  return isPkcs12(bytes) ? fromPkcs12(bytes, password, decode) : certificatesInPlainBytes(bytes, decode);
}

/** PKCS#12 files are the one kind certificatesInPlainBytes cannot read. */
export function isPkcs12(bytes: Buffer): boolean {
  return bytes[0] === 0x30 && looksLikePkcs12(bytes);
}

/**
 * certificatesInBytes for anything but PKCS#12 (see isPkcs12), synchronously. `decode` must not
 * keep `bytes`: a bulk reader reuses its buffer for the next file.
 */
export function certificatesInPlainBytes<Certificate>(bytes: Buffer, decode: (der: Buffer) => Certificate): FileCertificates<Certificate> {
  if (bytes.length === 0) return { kind: 'ignored' };
  if (bytes[0] === 0x30) return fromDer(bytes, decode);
  const text = bytes.toString('latin1');
  if (!text.includes('-----BEGIN')) return { kind: 'ignored' };
  const certificates: Certificate[] = [];
  for (const match of text.matchAll(PEM_CERTIFICATE)) {
    try {
      certificates.push(decode(Buffer.from(match[1] ?? '', 'base64')));
    } catch {
      return { kind: 'skipped', reason: `PEM block ${certificates.length + 1} is not a valid certificate`, code: 'MTLS_CERT_CORRUPT' };
    }
  }
  // A BEGIN line without its END: a cut-off file, which must not pass a gate as "no certificate".
  const begun = text.match(PEM_CERTIFICATE_BEGIN)?.length ?? 0;
  if (begun > certificates.length) return { kind: 'skipped', reason: `PEM certificate block ${certificates.length + 1} has no END line (the file is cut off)` };
  return certificates.length > 0 ? { kind: 'certificates', certificates } : { kind: 'ignored' };
}

async function fromPkcs12(bytes: Buffer, password: string | undefined, decode: (der: Buffer) => unknown): Promise<FileCertificates<unknown>> {
  const { readPkcs12 } = await import('../pkcs12/index.js');
  try {
    const contents = readPkcs12(bytes, password ?? '');
    return { kind: 'certificates', certificates: contents.certificates.map(decode) };
  } catch (error) {
    if (error instanceof MtlsError && error.code === 'MTLS_P12_WRONG_PASSWORD') {
      return { kind: 'skipped', reason: password === undefined ? 'password-protected PKCS#12 and no --pass given' : 'the --pass password does not open this PKCS#12', code: error.code };
    }
    const code = error instanceof MtlsError ? error.code : 'MTLS_P12_CORRUPT';
    return { kind: 'skipped', reason: error instanceof Error ? `PKCS#12 cannot be read: ${error.message}` : 'PKCS#12 cannot be read', code };
  }
}

function fromDer<Certificate>(bytes: Buffer, decode: (der: Buffer) => Certificate): FileCertificates<Certificate> {
  try {
    return { kind: 'certificates', certificates: [decode(bytes)] };
  } catch {
    // Something else in DER (a key) is passed over; a certificate that does not parse is named.
    return startsLikeCertificate(bytes) ? { kind: 'skipped', reason: 'a DER certificate that does not parse (truncated or damaged)', code: 'MTLS_CERT_CORRUPT' } : { kind: 'ignored' };
  }
}

import { MtlsError } from '../errors.js';
import type { ParsedCertificate } from '../certificate/facts.js';
import { children, readTlv, type Tlv } from '../asn1/der.js';
import { startsLikeCertificate } from '../certificate/sniff.js';
import { looksLikePkcs12 } from '../pkcs12/sniff.js';
import { containsPem, parsePem, type PemBlock } from './pem.js';
import { PRIVATE_KEY_LABELS, isLocked, keyFromDer, keyFromPem } from './keys.js';
import { FullReadersNeeded, type Readers } from './readers.js';
import { decodeBase64Value, type RawInput } from './read-input.js';
import type { LoadedKey, LoadedSource, LoadOptions, LockedKey } from './types.js';

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
/** Blocks that commonly sit beside keys and certificates and are safe to pass over. */
const IGNORED_LABELS = new Set(['EC PARAMETERS', 'DH PARAMETERS', 'PUBLIC KEY', 'RSA PUBLIC KEY', 'X509 CRL']);

/**
 * Decodes bytes (already read) into what they hold, each block with the given readers. Detects
 * the format unless it is forced.
 */
export function decodeWith(readers: Readers, raw: RawInput, options: LoadOptions = {}): LoadedSource {
  const { bytes, origin } = raw;
  if (bytes.length === 0) throw new MtlsError('MTLS_INPUT_EMPTY', `${origin} is empty.`);
  const base = raw.fromBase64 ? 'base64 ' : '';
  const forced = options.format;
  if (forced === 'P12') return decodePkcs12(readers, bytes, origin, options, `${base}P12`);
  if (forced === 'PEM') {
    if (!containsPem(bytes.toString('latin1'))) {
      throw new MtlsError('MTLS_NOT_A_CREDENTIAL', `${origin} was given as PEM (--cert-type PEM) but holds no "-----BEGIN" line.`);
    }
    return decodePem(readers, bytes.toString('utf8'), origin, options, `${base}PEM`);
  }
  if (forced === 'DER') return decodeDer(readers, bytes, origin, options, `${base}DER`);

  if (containsPem(bytes.subarray(0, Math.min(bytes.length, 1 << 20)).toString('latin1'))) {
    return decodePem(readers, bytes.toString('utf8'), origin, options, `${base}PEM`);
  }
  if (bytes[0] === 0x30) {
    if (looksLikePkcs12(bytes)) return decodePkcs12(readers, bytes, origin, options, `${base}P12`);
    return decodeDer(readers, bytes, origin, options, `${base}DER`);
  }
  // A file or variable that holds base64 of the real thing (common for CI secrets).
  if (!raw.fromBase64 && bytes.length < 1 << 20) {
    // Only the start of a PEM was lost: say so, rather than read "-----END …" as base64url.
    const end = /-----END ([A-Z0-9 #]+)-----/.exec(bytes.toString('latin1'));
    if (end) {
      throw new MtlsError('MTLS_PEM_TRUNCATED', `${origin}: the "${end[1]}" block has its "-----END" line but no "-----BEGIN ${end[1]}-----" line; its start was cut off.`, {
        details: { origin, label: end[1] ?? '' },
      });
    }
    const decoded = decodeBase64Value(bytes.toString('latin1'));
    if (decoded) return decodeWith(readers, { ...raw, bytes: decoded, fromBase64: true }, options);
  }
  throw new MtlsError('MTLS_NOT_A_CREDENTIAL', `${origin} is not a certificate, key, CSR or PKCS#12 file (${describeStart(bytes)}).`, {
    details: { origin },
  });
}

function emptySource(origin: string, format: LoadedSource['format']): LoadedSource {
  return { origin, format, certificates: [], keys: [], lockedKeys: [], csrs: [], skipped: [], pkcs12: null };
}

function addKey(source: LoadedSource, key: LoadedKey | LockedKey): void {
  if (isLocked(key)) source.lockedKeys.push(key);
  else source.keys.push(key);
}

function decodePem(readers: Readers, text: string, origin: string, options: LoadOptions, format: LoadedSource['format']): LoadedSource {
  const source = emptySource(origin, format);
  const blocks = parsePem(text, origin);
  const unknown: string[] = [];
  blocks.forEach((block, index) => {
    const where = blocks.length > 1 ? `${origin} (block ${index + 1}, ${block.label})` : origin;
    if (CERTIFICATE_LABELS.has(block.label)) source.certificates.push(certificateFromPem(readers, block, where));
    else if (PRIVATE_KEY_LABELS.has(block.label)) addKey(source, keyFromPem(block, where, options, readers.pkcs8Encryption));
    else if (CSR_LABELS.has(block.label)) source.csrs.push(readers.parseCsr(block.der, where));
    else if (block.label === 'PKCS7') source.certificates.push(...certificatesFromPkcs7(readers, block.der, where));
    else if (IGNORED_LABELS.has(block.label)) source.skipped.push(block.label);
    else unknown.push(block.label);
  });
  const found = source.certificates.length + source.keys.length + source.lockedKeys.length + source.csrs.length;
  if (found === 0) {
    const labels = [...unknown, ...source.skipped];
    throw new MtlsError(
      unknown.length > 0 ? 'MTLS_PEM_UNKNOWN_LABEL' : 'MTLS_WRONG_CONTENT',
      `${origin} holds ${labels.map((l) => `"${l}"`).join(', ')} PEM block(s), none of them a certificate, private key or CSR.`,
      { details: { origin, labels } },
    );
  }
  source.skipped.push(...unknown);
  return source;
}

function certificateFromPem(readers: Readers, block: PemBlock, where: string): ParsedCertificate {
  // OpenSSL's "TRUSTED CERTIFICATE" appends trust settings after the certificate: keep the first TLV.
  let der = block.der;
  if (block.label === 'TRUSTED CERTIFICATE') {
    try {
      der = der.subarray(0, readTlv(der).end);
    } catch {
      /* parseCertificate reports it */
    }
  }
  return readers.parseCertificate(der, where);
}

/** DER holds exactly one object; find which by its shape, then parse it with the right reader. */
function decodeDer(readers: Readers, bytes: Buffer, origin: string, options: LoadOptions, format: LoadedSource['format']): LoadedSource {
  const source = emptySource(origin, format);
  const shape = derShape(bytes);
  switch (shape) {
    case 'certificate':
      source.certificates.push(readers.parseCertificate(bytes, origin));
      return source;
    case 'csr':
      source.csrs.push(readers.parseCsr(bytes, origin));
      return source;
    case 'pkcs8':
      addKey(source, keyFromDer(bytes, 'pkcs8', false, origin, options, readers.pkcs8Encryption));
      return source;
    case 'pkcs8-encrypted':
      addKey(source, keyFromDer(bytes, 'pkcs8', true, origin, options, readers.pkcs8Encryption));
      return source;
    case 'sec1':
      addKey(source, keyFromDer(bytes, 'sec1', false, origin, options, readers.pkcs8Encryption));
      return source;
    case 'pkcs1':
      addKey(source, keyFromDer(bytes, 'pkcs1', false, origin, options, readers.pkcs8Encryption));
      return source;
    case 'pkcs7':
      source.certificates.push(...certificatesFromPkcs7(readers, bytes, origin));
      return source;
    case 'pkcs12':
      return decodePkcs12(readers, bytes, origin, options, format === 'DER' ? 'P12' : 'base64 P12');
    default:
      throw new MtlsError('MTLS_NOT_A_CREDENTIAL', `${origin} is DER data but not a certificate, key, CSR or PKCS#12 (${shape}).`, {
        details: { origin },
      });
  }
}

type DerShape = 'certificate' | 'csr' | 'pkcs8' | 'pkcs8-encrypted' | 'sec1' | 'pkcs1' | 'pkcs7' | 'pkcs12' | string;

/**
 * Recognises the top-level structure without trusting it. A damaged certificate still has the
 * shape of one, so it is reported as a corrupt certificate rather than as "unknown data".
 */
export function derShape(bytes: Uint8Array): DerShape {
  let top: Tlv;
  let items: Tlv[];
  try {
    top = readTlv(bytes);
    items = children(top);
  } catch {
    return sniffDamaged(bytes);
  }
  if (top.tag !== 0x30 || items.length === 0) return 'an unknown structure';
  const [first, second] = items;
  if (!first) return 'an unknown structure';
  if (first.tag === 0x02 && second?.tag === 0x30) {
    // PrivateKeyInfo: version, AlgorithmIdentifier, OCTET STRING; PFX: version 3, ContentInfo.
    if (looksLikePkcs12(bytes)) return 'pkcs12';
    return 'pkcs8';
  }
  if (first.tag === 0x02 && second?.tag === 0x04) return 'sec1';
  if (first.tag === 0x02 && second?.tag === 0x02) return 'pkcs1';
  if (first.tag === 0x30 && second?.tag === 0x04) return 'pkcs8-encrypted';
  if (first.tag === 0x06) return 'pkcs7';
  if (first.tag === 0x30 && second?.tag === 0x30) {
    // Certificate: tbs starts with [0] version (v3) or the serial INTEGER; CSR's info starts with INTEGER 0 then a Name.
    let tbs: Tlv[] = [];
    try {
      tbs = children(first);
    } catch {
      return 'an unknown structure';
    }
    if (tbs[0]?.tag === 0xa0) return 'certificate';
    if (tbs[0]?.tag === 0x02 && tbs[1]?.tag === 0x30 && tbs[2]?.tag === 0x30 && tbs[3]?.tag === 0xa0) return 'csr';
    if (tbs[0]?.tag === 0x02) return 'certificate';
  }
  return 'an unknown structure';
}

function sniffDamaged(bytes: Uint8Array): DerShape {
  return startsLikeCertificate(bytes) ? 'certificate' : 'truncated or damaged data';
}

function certificatesFromPkcs7(readers: Readers, der: Uint8Array, origin: string): ParsedCertificate[] {
  // ContentInfo { contentType signedData, [0] SignedData { version, digestAlgs, contentInfo, [0] certificates … } }
  try {
    const [, explicit] = children(readTlv(der));
    const signedData = explicit ? children(explicit)[0] : undefined;
    const certificates = signedData ? children(signedData).find((item) => item.tag === 0xa0) : undefined;
    if (!certificates) return [];
    return children(certificates).map((cert, i) =>
      readers.parseCertificate(Buffer.from(der.subarray(cert.start, cert.end)), `${origin} (PKCS#7 certificate ${i + 1})`),
    );
  } catch (error) {
    if (error instanceof MtlsError || error instanceof FullReadersNeeded) throw error;
    throw new MtlsError('MTLS_CERT_CORRUPT', `${origin}: the PKCS#7 bundle does not parse.`, { cause: error });
  }
}

function decodePkcs12(readers: Readers, bytes: Buffer, origin: string, options: LoadOptions, format: LoadedSource['format']): LoadedSource {
  const password = options.passphrase?.value;
  let contents;
  try {
    contents = readers.readPkcs12(bytes, password ?? '');
  } catch (error) {
    if (error instanceof MtlsError && error.code === 'MTLS_P12_WRONG_PASSWORD') {
      // No password at all is a missing one, not a wrong one: the fix is to give it.
      if (password === undefined) {
        throw new MtlsError('MTLS_P12_NO_PASSWORD', `${origin} is a password-protected PKCS#12 file, and no password was given.`, { details: { origin }, cause: error });
      }
      const summary = `${origin}: the password from ${options.passphrase?.origin} does not open this PKCS#12 file (its MAC check fails).`;
      throw new MtlsError('MTLS_P12_WRONG_PASSWORD', summary, { details: { origin }, cause: error });
    }
    if (error instanceof MtlsError) throw new MtlsError(error.code, `${origin}: ${error.message}`, { details: error.details, fixes: error.fixes, cause: error });
    throw error;
  }
  const source = emptySource(origin, format);
  source.pkcs12 = contents.info;
  contents.certificates.forEach((der, i) => source.certificates.push(readers.parseCertificate(der, `${origin} (certificate ${i + 1})`)));
  for (const key of contents.keys) addKey(source, keyFromDer(key, 'pkcs8', false, `${origin} (private key)`, {}, readers.pkcs8Encryption));
  return source;
}

/** Says what the bytes look like without quoting them: a wrong file might be a secret. */
function describeStart(bytes: Buffer): string {
  const sample = bytes.subarray(0, 256);
  const printable = sample.every((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127));
  if (printable) return 'it is plain text with no "-----BEGIN" line';
  return `it is binary data that is not DER (first byte 0x${bytes.subarray(0, 1).toString('hex')})`;
}

/**
 * Whether DER bytes start as a v3 certificate does: SEQUENCE, SEQUENCE, [0] { INTEGER 2 }. A
 * truncated or damaged certificate keeps this start, so it can be named as a broken certificate
 * rather than passed over as some other file.
 */
export function startsLikeCertificate(bytes: Uint8Array): boolean {
  const header = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 16)).toString('hex');
  return /^3082....3082....a003020102/.test(header) || /^3081..3081..a003020102/.test(header);
}

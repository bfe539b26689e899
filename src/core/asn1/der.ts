import { readHeader } from './ber.js';

/**
 * A minimal DER reader: enough to sniff what a blob is and to read a few parameters that no
 * installed schema covers (PBES2, the TLS CertificateRequest's DNs). Throws DerError on bad input;
 * callers turn that into a diagnosis.
 */
export interface Tlv {
  tag: number;
  /** Offset of the tag byte in the source. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset just past the content. */
  end: number;
  bytes: Uint8Array;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

export function readTlv(bytes: Uint8Array, offset = 0, limit = bytes.length): Tlv {
  // The same checks as readHeader on bytes.subarray(0, limit), without making that view: walking a
  // certificate reads some forty elements, and a bulk scan reads thousands of certificates.
  if (offset + 2 > limit) throw new DerError('ASN.1 header runs past the end');
  let header;
  try {
    header = readHeader(bytes, offset);
  } catch (error) {
    throw new DerError((error as Error).message);
  }
  if (header.headerLength > limit - offset) throw new DerError('ASN.1 length is malformed');
  if (header.length === null) throw new DerError('indefinite length is not DER');
  const contentStart = offset + header.headerLength;
  const end = contentStart + header.length;
  if (end > limit) throw new DerError('content runs past the end');
  return { tag: header.tag, start: offset, contentStart, end, bytes };
}

/** The elements inside a constructed TLV (SEQUENCE, SET, [n] constructed). */
export function children(tlv: Tlv): Tlv[] {
  const items: Tlv[] = [];
  let at = tlv.contentStart;
  while (at < tlv.end) {
    const item = readTlv(tlv.bytes, at, tlv.end);
    items.push(item);
    at = item.end;
  }
  return items;
}

export function content(tlv: Tlv): Uint8Array {
  return tlv.bytes.subarray(tlv.contentStart, tlv.end);
}

export function readOid(tlv: Tlv): string {
  if (tlv.tag !== 0x06) throw new DerError('expected an OBJECT IDENTIFIER');
  const data = content(tlv);
  if (data.length === 0) throw new DerError('empty OBJECT IDENTIFIER');
  const first = data[0] as number;
  const parts = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let value = 0;
  for (let i = 1; i < data.length; i++) {
    const byte = data[i] as number;
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function readSmallInteger(tlv: Tlv): number {
  if (tlv.tag !== 0x02) throw new DerError('expected an INTEGER');
  let value = 0;
  for (const byte of content(tlv)) value = value * 256 + byte;
  return value;
}

/** True when the whole input is exactly one well-formed TLV (no trailing bytes). */
export function isSingleTlv(bytes: Uint8Array): boolean {
  try {
    return readTlv(bytes).end === bytes.length;
  } catch {
    return false;
  }
}

/**
 * The few BER pieces that asn1-schema does not cover: element headers (shared with the strict
 * DER walker in der.ts), OCTET STRINGs in BER's constructed form (PKCS#12 allows BER, and some
 * exporters write it), and BMPStrings (PKCS#12 friendlyName).
 */

const TAG_OCTET_STRING = 0x04;
const TAG_OCTET_STRING_CONSTRUCTED = 0x24;
const TAG_UTF8_STRING = 0x0c;
const TAG_BMP_STRING = 0x1e;

export interface ElementHeader {
  tag: number;
  constructed: boolean;
  headerLength: number;
  /** null for BER's indefinite length (contents end with two zero bytes). */
  length: number | null;
}

export function readHeader(bytes: Uint8Array, offset: number): ElementHeader {
  if (offset + 2 > bytes.length) throw new RangeError('ASN.1 header runs past the end');
  const tag = bytes[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('ASN.1 high tag numbers are not supported');
  const constructed = (tag & 0x20) !== 0;
  const first = bytes[offset + 1]!;
  if (first < 0x80) return { tag, constructed, headerLength: 2, length: first };
  if (first === 0x80) {
    if (!constructed) throw new RangeError('ASN.1 indefinite length on a primitive element');
    return { tag, constructed, headerLength: 2, length: null };
  }
  const lengthBytes = first & 0x7f;
  if (lengthBytes > 4 || offset + 2 + lengthBytes > bytes.length) throw new RangeError('ASN.1 length is malformed');
  let length = 0;
  for (let i = 0; i < lengthBytes; i++) length = length * 256 + bytes[offset + 2 + i]!;
  return { tag, constructed, headerLength: 2 + lengthBytes, length };
}

interface Element {
  header: ElementHeader;
  contents: Uint8Array;
  /** Offset just past the element, end-of-contents marker included. */
  end: number;
}

function readElement(bytes: Uint8Array, offset: number): Element {
  const header = readHeader(bytes, offset);
  const start = offset + header.headerLength;
  if (header.length !== null) {
    const end = start + header.length;
    if (end > bytes.length) throw new RangeError('ASN.1 element runs past the end');
    return { header, contents: bytes.subarray(start, end), end };
  }
  let position = start;
  while (!(bytes[position] === 0 && bytes[position + 1] === 0)) {
    if (position >= bytes.length) throw new RangeError('ASN.1 indefinite length has no end marker');
    position = readElement(bytes, position).end;
  }
  return { header, contents: bytes.subarray(start, position), end: position + 2 };
}

function childElements(contents: Uint8Array): Element[] {
  const children: Element[] = [];
  for (let position = 0; position < contents.length; ) {
    const child = readElement(contents, position);
    children.push(child);
    position = child.end;
  }
  return children;
}

/** The value of an encoded OCTET STRING, joining the segments of BER's constructed form. */
export function octetStringValue(encoded: Uint8Array): Buffer {
  return octetStringOf(readElement(encoded, 0));
}

function octetStringOf(element: Element): Buffer {
  if (element.header.tag === TAG_OCTET_STRING) return Buffer.from(element.contents);
  if (element.header.tag === TAG_OCTET_STRING_CONSTRUCTED) {
    return Buffer.concat(childElements(element.contents).map(octetStringOf));
  }
  throw new TypeError('Expected an OCTET STRING');
}

/** Decodes a friendlyName value: a BMPString (UTF-16BE) per PKCS#9; UTF8String is accepted too. */
export function decodeDisplayString(encoded: Uint8Array): string {
  const element = readElement(encoded, 0);
  if (element.header.tag === TAG_UTF8_STRING) return Buffer.from(element.contents).toString('utf8');
  if (element.header.tag !== TAG_BMP_STRING || element.contents.length % 2 !== 0) {
    throw new TypeError('Expected a BMPString');
  }
  return Buffer.from(element.contents).swap16().toString('utf16le');
}

export function encodeBmpString(text: string): Buffer {
  return encodeElement(TAG_BMP_STRING, Buffer.from(text, 'utf16le').swap16());
}

function encodeElement(tag: number, contents: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(contents.length), contents]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** A cheap look at the first bytes: is this shaped like a PKCS#12 file? */
import { readHeader } from '../asn1/ber.js';

const SEQUENCE = 0x30;
const VERSION_3 = [0x02, 0x01, 0x03];
/** OBJECT IDENTIFIER 1.2.840.113549.1.7 (PKCS#7 content types), without its last arc. */
const PKCS7_CONTENT_TYPE_PREFIX = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
const DATA = 0x01;
const SIGNED_DATA = 0x02;

/**
 * True when `der` starts as PFX ::= SEQUENCE { INTEGER 3, ContentInfo { data | signedData, ... } }.
 * Reads only the headers, so it is cheap and also true for a truncated file; never throws.
 */
export function looksLikePkcs12(der: Uint8Array): boolean {
  try {
    const outer = readHeader(der, 0);
    if (outer.tag !== SEQUENCE) return false;
    let offset = outer.headerLength;
    if (!startsWith(der, offset, VERSION_3)) return false;
    offset += VERSION_3.length;
    const authSafe = readHeader(der, offset);
    if (authSafe.tag !== SEQUENCE) return false;
    offset += authSafe.headerLength;
    if (!startsWith(der, offset, PKCS7_CONTENT_TYPE_PREFIX)) return false;
    const lastArc = der[offset + PKCS7_CONTENT_TYPE_PREFIX.length];
    return lastArc === DATA || lastArc === SIGNED_DATA;
  } catch {
    return false;
  }
}

function startsWith(bytes: Uint8Array, offset: number, expected: number[]): boolean {
  return expected.every((byte, index) => bytes[offset + index] === byte);
}

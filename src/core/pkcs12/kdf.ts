/** The PKCS#12 key derivation function (RFC 7292 appendix B.2) and the password forms it takes. */
import { hash } from 'node:crypto';
import type { DigestAlgorithm } from './oids.js';

/** RFC 7292 B.3: the "ID" byte says what the derived bytes are for. */
export const KdfPurpose = { key: 1, iv: 2, mac: 3 } as const;
export type KdfPurpose = (typeof KdfPurpose)[keyof typeof KdfPurpose];

/**
 * One way of turning the user's password into bytes. `bmp` feeds the PKCS#12 KDF (the MAC and the
 * legacy pbeWithSHAAnd… schemes), `utf8` feeds PBKDF2 (PBES2), which takes the password as raw
 * UTF-8 bytes.
 */
export interface PasswordEncoding {
  bmp: Buffer;
  utf8: Buffer;
}

/**
 * The encodings to try for a password, most likely first.
 *
 * RFC 7292 B.1 makes the KDF password a BMPString (UTF-16BE) *with* a trailing 0x0000, so ''
 * becomes two zero bytes. OpenSSL, for an empty password, also tries no password at all (zero
 * bytes), and some exporters wrote the MAC that way, so '' gets both forms. OpenSSL before 1.1.0
 * widened each byte of the password rather than each character, so a non-ASCII password also gets
 * that form: files from those versions stay readable.
 */
export function passwordEncodings(password: string): PasswordEncoding[] {
  const utf8 = Buffer.from(password, 'utf8');
  const encodings: PasswordEncoding[] = [{ bmp: Buffer.concat([utf16be(password), Buffer.alloc(2)]), utf8 }];
  if (password === '') encodings.push({ bmp: Buffer.alloc(0), utf8 });
  if (utf8.length !== password.length) {
    const widenedBytes = Buffer.alloc(utf8.length * 2 + 2);
    utf8.forEach((byte, index) => widenedBytes.writeUInt8(byte, index * 2 + 1));
    encodings.push({ bmp: widenedBytes, utf8 });
  }
  return encodings;
}

/** The standard encoding, used when writing. */
export function passwordEncoding(password: string): PasswordEncoding {
  return passwordEncodings(password)[0]!;
}

function utf16be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

/** Derives `length` bytes for `purpose` from the BMPString password, per RFC 7292 B.2. */
export function pkcs12Kdf(
  digest: DigestAlgorithm,
  bmpPassword: Buffer,
  salt: Uint8Array,
  iterations: number,
  purpose: KdfPurpose,
  length: number,
): Buffer {
  const v = digest.blockSize;
  const diversifier = Buffer.alloc(v, purpose);
  const input = Buffer.concat([repeatToMultiple(salt, v), repeatToMultiple(bmpPassword, v)]);
  const output: Buffer[] = [];
  for (let produced = 0; produced < length; ) {
    // The hot loop: one-shot crypto.hash costs about half of a createHash/update/digest chain per
    // round (no Hash object per round). There is no native iterated hash to hand the loop to.
    let block = hash(digest.nodeName, Buffer.concat([diversifier, input]), 'buffer');
    for (let round = 1; round < iterations; round++) block = hash(digest.nodeName, block, 'buffer');
    output.push(block);
    produced += block.length;
    if (produced < length) addToEachBlock(input, repeatToMultiple(block, v).subarray(0, v), v);
  }
  return Buffer.concat(output).subarray(0, length);
}

/** How many digest outputs (each `iterations` rounds) a derivation of `length` bytes takes. */
export function pkcs12KdfBlocks(digest: DigestAlgorithm, length: number): number {
  return Math.ceil(length / digest.outputLength);
}

/** Concatenates copies of `bytes` up to the next multiple of `v` (an empty input stays empty). */
function repeatToMultiple(bytes: Uint8Array, v: number): Buffer {
  const length = v * Math.ceil(bytes.length / v);
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = bytes[i % bytes.length]!;
  return out;
}

/** Treats each v-byte block of `input` as a big-endian integer I_j and sets I_j = (I_j + B + 1) mod 2^(8v). */
function addToEachBlock(input: Buffer, b: Buffer, v: number): void {
  for (let start = 0; start < input.length; start += v) {
    let carry = 1;
    for (let i = v - 1; i >= 0; i--) {
      const sum = input[start + i]! + b[i]! + carry;
      input[start + i] = sum & 0xff;
      carry = sum >> 8;
    }
  }
}

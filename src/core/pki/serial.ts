import { randomBytes } from 'node:crypto';

/**
 * A random 128-bit serial number, as hex. RFC 5280 wants serials positive and at most 20 octets,
 * and the CA/B Forum asks for at least 64 random bits: the top bit is cleared so the DER INTEGER
 * needs no 0x00 pad (and stays positive), and a zero first byte is avoided so it stays 16 octets.
 */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) || 0x01;
  return bytes.toString('hex');
}

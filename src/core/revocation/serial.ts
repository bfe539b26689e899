/**
 * Serial numbers as Node and openssl print them: upper-case hex, no colons, no leading zero
 * bytes (the DER pad before a high bit is not part of the number). Returns null for anything
 * that is not hex.
 */
export function normalizeSerial(value: string): string | null {
  const hex = value.trim().replace(/^0x/i, '').replace(/[:\s]/g, '').toUpperCase();
  if (!/^[0-9A-F]+$/.test(hex) || hex.length > 42) return null;
  const stripped = hex.replace(/^(?:00)+(?=..)/, '');
  return stripped.length % 2 === 1 ? `0${stripped}` : stripped;
}

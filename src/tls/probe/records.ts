/**
 * TLS record and handshake framing (RFC 5246 §6.2, §7.4), enough to read a server's cleartext
 * first flight. Pure functions over bytes; incomplete input is reported, never thrown.
 */
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Buffer;
}

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

export const HANDSHAKE = {
  serverHello: 2,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
} as const;

/** Splits bytes into whole records; `rest` is a trailing partial record. `notTls` when the first bytes cannot start a record. */
export function readRecords(bytes: Buffer): { records: TlsRecord[]; rest: Buffer; notTls: boolean } {
  const records: TlsRecord[] = [];
  let at = 0;
  while (at + 5 <= bytes.length) {
    const type = bytes[at] as number;
    const major = bytes[at + 1] as number;
    if (type < 20 || type > 24 || major !== 3) return { records, rest: bytes.subarray(at), notTls: true };
    const length = bytes.readUInt16BE(at + 3);
    // 2^14 plus expansion is the most a record may carry; more means this is not TLS.
    if (length > 18432) return { records, rest: bytes.subarray(at), notTls: true };
    if (at + 5 + length > bytes.length) break;
    records.push({ type, version: bytes.readUInt16BE(at + 1), fragment: bytes.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return { records, rest: bytes.subarray(at), notTls: false };
}

/** Handshake messages may span records: concatenate the handshake fragments first. */
export function readHandshakeMessages(stream: Buffer): { messages: HandshakeMessage[]; rest: Buffer } {
  const messages: HandshakeMessage[] = [];
  let at = 0;
  while (at + 4 <= stream.length) {
    const length = stream.readUIntBE(at + 1, 3);
    if (at + 4 + length > stream.length) break;
    messages.push({ type: stream[at] as number, body: stream.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return { messages, rest: stream.subarray(at) };
}

/** A reader over a handshake body that reports running out of bytes as an error. */
export class Cursor {
  at = 0;
  constructor(private readonly bytes: Buffer) {}

  get remaining(): number {
    return this.bytes.length - this.at;
  }

  take(count: number): Buffer {
    if (count > this.remaining) throw new RangeError('handshake message is shorter than its fields');
    const slice = this.bytes.subarray(this.at, this.at + count);
    this.at += count;
    return slice;
  }

  uint(bytes: 1 | 2 | 3): number {
    return this.take(bytes).readUIntBE(0, bytes);
  }

  vector(lengthBytes: 1 | 2 | 3): Buffer {
    return this.take(this.uint(lengthBytes));
  }
}

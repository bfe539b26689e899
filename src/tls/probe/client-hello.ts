import { randomBytes } from 'node:crypto';

/**
 * TLS 1.2 cipher suites a probe offers: every ECDHE, DHE and RSA suite with AES-GCM, ChaCha20
 * and AES-CBC that a server of the last fifteen years may choose. The probe never completes the
 * handshake, so offering a suite costs nothing; offering too few makes a server answer
 * handshake_failure before it shows its CertificateRequest.
 */
const CIPHER_SUITES = [
  0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca9, 0xcca8, // ECDHE AES-GCM, ChaCha20
  0xc023, 0xc024, 0xc027, 0xc028, 0xc009, 0xc00a, 0xc013, 0xc014, // ECDHE AES-CBC
  0x009e, 0x009f, 0xccaa, 0x0067, 0x006b, 0x0033, 0x0039, // DHE
  0x009c, 0x009d, 0x003c, 0x003d, 0x002f, 0x0035, // RSA key exchange
  // No TLS_EMPTY_RENEGOTIATION_INFO_SCSV (0x00ff): the renegotiation_info extension below says
  // the same, and RFC 5746 §3.3 asks for one or the other. wolfSSL refuses a hello with both
  // (handshake_failure, "-388 Invalid Renegotiation"). The extension is what OpenSSL (Node, curl)
  // and browsers send, so every server accepts it; the SCSV is only for SSLv3 servers that choke
  // on extensions, and this hello carries several anyway.
];

const SUPPORTED_GROUPS = [0x001d, 0x0017, 0x0018, 0x0019, 0x001e, 0x0100, 0x0101];

/** ECDSA, RSA-PSS and PKCS#1 with SHA-256/384/512, then the SHA-1 pair for old servers. */
const SIGNATURE_ALGORITHMS = [0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0203, 0x0201];

const EXT_SERVER_NAME = 0x0000;
const EXT_SUPPORTED_GROUPS = 0x000a;
const EXT_EC_POINT_FORMATS = 0x000b;
const EXT_SIGNATURE_ALGORITHMS = 0x000d;
const EXT_EXTENDED_MASTER_SECRET = 0x0017;
const EXT_RENEGOTIATION_INFO = 0xff01;

/** Big-endian length and number fields of TLS structures. */
export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}

export function u24(value: number): Buffer {
  return Buffer.from([(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]);
}

function vector16(body: Buffer): Buffer {
  return Buffer.concat([u16(body.length), body]);
}

function extension(type: number, body: Buffer): Buffer {
  return Buffer.concat([u16(type), vector16(body)]);
}

function list16(values: number[]): Buffer {
  return Buffer.concat(values.map(u16));
}

/** SNI carries host names only; an IP address literal must not be sent (RFC 6066 §3). */
export function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

/**
 * A complete TLS 1.2 ClientHello record. It offers no supported_versions extension, so a server
 * that speaks TLS 1.2 answers in cleartext up to ServerHelloDone, CertificateRequest included,
 * and a TLS 1.3-only server refuses with a protocol_version alert.
 */
export function buildClientHello(servername: string | null, random: Buffer = randomBytes(32)): Buffer {
  const extensions: Buffer[] = [];
  if (servername && !isIpAddress(servername)) {
    const name = Buffer.from(servername, 'ascii');
    const entry = Buffer.concat([Buffer.from([0]), vector16(name)]);
    extensions.push(extension(EXT_SERVER_NAME, vector16(entry)));
  }
  extensions.push(extension(EXT_SUPPORTED_GROUPS, vector16(list16(SUPPORTED_GROUPS))));
  extensions.push(extension(EXT_EC_POINT_FORMATS, Buffer.from([1, 0])));
  extensions.push(extension(EXT_SIGNATURE_ALGORITHMS, vector16(list16(SIGNATURE_ALGORITHMS))));
  extensions.push(extension(EXT_EXTENDED_MASTER_SECRET, Buffer.alloc(0)));
  // Secure renegotiation, signalled once (see CIPHER_SUITES): OpenSSL 3 servers refuse a client without it.
  extensions.push(extension(EXT_RENEGOTIATION_INFO, Buffer.from([0])));

  const body = Buffer.concat([
    u16(0x0303),
    random,
    Buffer.from([0]), // empty session id
    vector16(list16(CIPHER_SUITES)),
    Buffer.from([1, 0]), // compression: null only
    vector16(Buffer.concat(extensions)),
  ]);
  const handshake = Buffer.concat([Buffer.from([1]), u24(body.length), body]);
  // Record version 0x0301 in the ClientHello is what browsers send for compatibility.
  return Buffer.concat([Buffer.from([22, 3, 1]), u16(handshake.length), handshake]);
}

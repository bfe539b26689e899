import { alertFromNumber, type TlsAlert } from '../alerts.js';
import { parseCertificateMessage, parseCertificateRequest, parseServerHello, type CertificateRequestFacts } from './certificate-request.js';
import { CONTENT_ALERT, CONTENT_HANDSHAKE, HANDSHAKE, readHandshakeMessages, readRecords } from './records.js';

/** What the bytes a server sent so far say, read up to ServerHelloDone. */
export type FlightState =
  | { status: 'incomplete' }
  | { status: 'not-tls'; firstBytes: string }
  | { status: 'alert'; alert: TlsAlert }
  | { status: 'tls13'; cipherSuite: number }
  | {
      status: 'complete';
      cipherSuite: number;
      serverChain: Buffer[];
      certificateRequest: CertificateRequestFacts | null;
    };

/**
 * Reads a server's answer to a TLS 1.2 ClientHello. Everything up to ServerHelloDone is in
 * cleartext in TLS 1.2: the chain as sent and the CertificateRequest with the CA names the
 * server accepts. Call again with more bytes while the status is 'incomplete'.
 */
export function readServerFlight(bytes: Buffer): FlightState {
  const { records, notTls } = readRecords(bytes);
  const handshake: Buffer[] = [];
  for (const record of records) {
    if (record.type === CONTENT_ALERT && record.fragment.length >= 2) {
      return { status: 'alert', alert: alertFromNumber(record.fragment[1] as number) };
    }
    if (record.type === CONTENT_HANDSHAKE) handshake.push(record.fragment);
  }
  if (notTls && records.length === 0) return { status: 'not-tls', firstBytes: printable(bytes.subarray(0, 40)) };

  const { messages } = readHandshakeMessages(Buffer.concat(handshake));
  let cipherSuite = -1;
  let serverChain: Buffer[] = [];
  let certificateRequest: CertificateRequestFacts | null = null;
  for (const message of messages) {
    if (message.type === HANDSHAKE.serverHello) {
      const hello = parseServerHello(message.body);
      if (hello.version >= 0x0304) return { status: 'tls13', cipherSuite: hello.cipherSuite };
      cipherSuite = hello.cipherSuite;
    } else if (message.type === HANDSHAKE.certificate) {
      serverChain = parseCertificateMessage(message.body);
    } else if (message.type === HANDSHAKE.certificateRequest) {
      certificateRequest = parseCertificateRequest(message.body);
    } else if (message.type === HANDSHAKE.serverHelloDone) {
      return { status: 'complete', cipherSuite, serverChain, certificateRequest };
    }
  }
  if (notTls) return { status: 'not-tls', firstBytes: printable(bytes.subarray(0, 40)) };
  return { status: 'incomplete' };
}

function printable(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
}

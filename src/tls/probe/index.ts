import { connect, type Socket } from 'node:net';
import type { TlsAlert } from '../alerts.js';
import { buildClientHello } from './client-hello.js';
import type { CertificateRequestFacts } from './certificate-request.js';
import { readServerFlight, type FlightState } from './flight.js';

export { buildClientHello } from './client-hello.js';
export { readServerFlight, type FlightState } from './flight.js';
export { decodeDistinguishedName } from './distinguished-name.js';
export type { CertificateRequestFacts } from './certificate-request.js';

export interface ProbeTarget {
  host: string;
  port: number;
  /** Where to connect when it is not `host` (an address from --resolve). */
  address?: string;
  servername?: string | null;
  timeoutMs?: number;
}

/**
 * What a TLS 1.2 handshake, stopped before the client speaks again, tells about a server.
 * `acceptedCas` is null when it cannot be known (TLS 1.3 encrypts the CertificateRequest), and
 * an empty list when the server asks for a certificate without naming CAs.
 */
export interface ProbeResult {
  outcome: 'tls12' | 'tls13-only' | 'alert' | 'not-tls' | 'closed' | 'timeout' | 'error';
  tls12: boolean;
  certificateRequested: boolean | null;
  acceptedCas: string[] | null;
  certificateRequest: CertificateRequestFacts | null;
  serverChain: Buffer[];
  alert: TlsAlert | null;
  reason?: string;
}

const unknown = { tls12: false, certificateRequested: null, acceptedCas: null, certificateRequest: null, serverChain: [], alert: null };

export function probeResultFromFlight(flight: FlightState): ProbeResult | null {
  switch (flight.status) {
    case 'incomplete':
      return null;
    case 'complete':
      return {
        outcome: 'tls12',
        tls12: true,
        certificateRequested: flight.certificateRequest !== null,
        acceptedCas: flight.certificateRequest ? flight.certificateRequest.certificateAuthorities : null,
        certificateRequest: flight.certificateRequest,
        serverChain: flight.serverChain,
        alert: null,
      };
    case 'tls13':
      return { ...unknown, outcome: 'tls13-only', reason: 'the server chose TLS 1.3, which encrypts its certificate request' };
    case 'alert':
      if (flight.alert.name === 'protocol_version') {
        return { ...unknown, outcome: 'tls13-only', alert: flight.alert, reason: 'the server refuses TLS 1.2; TLS 1.3 encrypts the certificate request, so the CAs it accepts cannot be read' };
      }
      return { ...unknown, outcome: 'alert', alert: flight.alert, reason: `the server answered a TLS 1.2 hello with the alert ${flight.alert.name}` };
    case 'not-tls':
      return { ...unknown, outcome: 'not-tls', reason: `the server does not speak TLS; it answered "${flight.firstBytes}"` };
  }
}

/** A real first flight (chain and CertificateRequest) fits in far less; OpenSSL clients refuse certificate lists over 100 KiB. */
const MAX_FLIGHT_BYTES = 256 * 1024;

/**
 * Sends a TLS 1.2 ClientHello over a plain socket and reads the server's cleartext answer up to
 * ServerHelloDone, then hangs up. Node has no API for the CertificateRequest's CA list
 * (nodejs/node#40008); this is how `openssl s_client` shows "Acceptable client certificate CA names".
 * Never throws: a failed probe is a result with a reason.
 */
export function probeServer(target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = target.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const socket: Socket = connect({ host: target.address ?? target.host, port: target.port });
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ ...unknown, outcome: 'timeout', reason: `no complete answer within ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => socket.write(buildClientHello(target.servername ?? target.host)));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length > MAX_FLIGHT_BYTES) {
        finish({ ...unknown, outcome: 'error', reason: `the server's hello is larger than ${MAX_FLIGHT_BYTES / 1024} KiB without ending (an endless or oversized certificate list)` });
        return;
      }
      try {
        const result = probeResultFromFlight(readServerFlight(received));
        if (result) finish(result);
      } catch (error) {
        finish({ ...unknown, outcome: 'error', reason: `the server's handshake could not be parsed (${(error as Error).message})` });
      }
    });
    socket.once('error', (error: NodeJS.ErrnoException) => finish({ ...unknown, outcome: 'error', reason: error.code ?? error.message }));
    socket.once('close', () => finish({ ...unknown, outcome: 'closed', reason: 'the server closed the connection before finishing its hello' }));
  });
}

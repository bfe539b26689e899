import { createHash } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { parseCertificate, type CertificateFacts } from '../../core/certificate/parse.js';
import { refusalReason, type ServeReason } from './reasons.js';

/** Who is on the other end of a connection, as the server sees it: the body of every echo. */
export interface ClientIdentity {
  verified: boolean;
  /** Why the certificate was not verified (or why there is none); null when verified. */
  notVerifiedBecause: ServeReason | null;
  certificate: {
    subject: string;
    subjectAltNames: string[];
    /** The first URI SAN starting with spiffe://, the workload identity in SPIFFE deployments. */
    spiffeId: string | null;
    issuer: string;
    serialNumber: string;
    fingerprintSha256: string;
    notBefore: string;
    notAfter: string;
  } | null;
  tls: { version: string | null; cipher: string | null };
  remoteAddress: string | null;
}

/**
 * Facts per certificate, by the hash of its DER: the same clients come back on every handshake,
 * and a full parse costs more than the handshake's own share of the CPU. Bounded, oldest out.
 */
const factsByDigest = new Map<string, CertificateFacts | null>();
const MAX_CACHED = 1024;

function peerFacts(socket: TLSSocket): CertificateFacts | null {
  const x509 = socket.getPeerX509Certificate();
  if (!x509) return null;
  const der = x509.raw;
  const digest = createHash('sha256').update(der).digest('base64');
  const cached = factsByDigest.get(digest);
  if (cached !== undefined) return cached;
  let facts: CertificateFacts | null;
  try {
    facts = parseCertificate(der, 'client certificate').facts;
  } catch {
    facts = null;
  }
  if (factsByDigest.size >= MAX_CACHED) factsByDigest.delete(factsByDigest.keys().next().value as string);
  factsByDigest.set(digest, facts);
  return facts;
}

/** Reads the client's certificate and the server's verdict from a completed handshake. */
export function describeClient(socket: TLSSocket, trustedCas: string[], now: Date): ClientIdentity {
  const peer = peerFacts(socket);
  const verified = socket.authorized && peer !== null;
  const authorizationError = socket.authorizationError === undefined || socket.authorizationError === null ? null : String(socket.authorizationError);
  return {
    verified,
    notVerifiedBecause: verified ? null : refusalReason(authorizationError, peer, trustedCas, now),
    certificate: peer
      ? {
          subject: peer.subject,
          subjectAltNames: peer.subjectAltNames.map((n) => `${n.type}:${n.value}`),
          spiffeId: peer.subjectAltNames.find((n) => n.type === 'URI' && n.value.startsWith('spiffe://'))?.value ?? null,
          issuer: peer.issuer,
          serialNumber: peer.serialNumber,
          fingerprintSha256: peer.fingerprintSha256,
          notBefore: peer.notBefore,
          notAfter: peer.notAfter,
        }
      : null,
    tls: { version: socket.getProtocol() ?? null, cipher: socket.getCipher()?.name ?? null },
    remoteAddress: socket.remoteAddress ?? null,
  };
}

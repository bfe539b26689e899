import type { KeyObject } from 'node:crypto';
import { MtlsError } from '../core/errors.js';
import { fetchPeerChain, parseEndpoint, type Endpoint } from './endpoint.js';

/** The chain an endpoint presents, or why it could not be read: a value either way, for bulk checks. */
export type PresentedChain =
  | { ok: true; endpoint: Endpoint; certificates: Buffer[]; clientCertificateSent: boolean }
  | { ok: false; endpoint: Endpoint; code: string; reason: string };

/**
 * Connects to `host:port` or an https:// URL without verifying (to see whatever the server
 * sends; SNI unless the host is an IP) and returns the DER chain, leaf first. Connection
 * failures come back as a finding with their catalog code, so one dead endpoint does not stop
 * a scan of many. Built on `fetchPeerChain` (src/tls/endpoint.ts).
 */
export async function fetchPresentedChain(endpoint: Endpoint, timeoutMs: number, client?: { certificates: Buffer[]; key: KeyObject }): Promise<PresentedChain> {
  try {
    const chain = await fetchPeerChain(endpoint, { timeoutMs, ...(client ? { clientCertificates: client.certificates, clientKey: client.key } : {}) });
    return { ok: true, endpoint, certificates: chain.certificates, clientCertificateSent: chain.clientCertificateSent };
  } catch (error) {
    if (error instanceof MtlsError) return { ok: false, endpoint, code: error.code, reason: error.message };
    throw error;
  }
}

export { parseEndpoint, type Endpoint };

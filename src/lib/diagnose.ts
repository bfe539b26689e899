import { parseCertificate, type CertificateFacts } from '../core/certificate/parse.js';
import { diagnose, MtlsError } from '../core/errors.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import type { Diagnosis } from '../diagnoses/types.js';
import type { ConnectionRecord } from '../tls/connector.js';
import { diagnoseFailure, errorEvidence, failureNeedsProbe, type FailureEvidence } from '../tls/diagnose.js';
import { hostPort } from '../tls/address.js';
import { probeServer, type ProbeResult } from '../tls/probe/index.js';
import type { TlsMaterial } from './material.js';
import { libraryError } from './wording.js';

export interface ConnectionContext {
  record: ConnectionRecord;
  target: { host: string; port: number };
  material: TlsMaterial;
  connectTimeoutMs: number;
}

/** undici's errors that are the caller's doing or already say it all: passed through untouched. */
const PASS_THROUGH = new Set(['UND_ERR_ABORTED', 'ABORT_ERR', 'UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_DESTROYED', 'UND_ERR_CLOSED']);

export function toMtlsError(diagnosis: Diagnosis, cause: unknown): MtlsError {
  return libraryError(diagnosis, cause);
}

function factsOf(chain: Buffer[]): CertificateFacts[] {
  return chain.flatMap((der) => {
    try {
      return [parseCertificate(der, 'server certificate').facts];
    } catch {
      return [];
    }
  });
}

/**
 * Turns what a connection saw into the catalog's diagnosis, as `mtls request` does: the alert the
 * server sent (which undici reports only as "other side closed"), the chain, our verification,
 * and, when the rest leaves it open, a TLS 1.2 probe of the server's CertificateRequest.
 */
export async function explainConnectionError(error: unknown, context: ConnectionContext): Promise<Error> {
  const { record, target } = context;
  const shape = errorEvidence(error);
  const timedOut = shape.code === 'UND_ERR_HEADERS_TIMEOUT' || shape.code === 'UND_ERR_BODY_TIMEOUT';
  const probe = !passesThrough(error) && !timedOut && failureNeedsProbe(record, shape)
    ? await probeServer({ host: target.host, port: target.port, ...(record.address ? { address: record.address } : {}), servername: record.servername ?? target.host, timeoutMs: Math.min(context.connectTimeoutMs, 3000) })
    : null;
  return explainWith(error, context, probe);
}

/** The same, from what is at hand now (no probe): for callers that cannot wait. */
export function explainWith(error: unknown, context: ConnectionContext, probe: ProbeResult | null): Error {
  if (passesThrough(error)) return error as Error;
  const { record, target, material } = context;
  const shape = errorEvidence(error);
  const evidence: FailureEvidence = {
    error: shape,
    connection: record,
    target,
    clientChain: material.clientChain,
    trustedCas: material.trustedCas,
    serverChain: factsOf(record.peerChain),
    probe,
    maxTimeExceeded: false,
    connectTimeoutMs: context.connectTimeoutMs,
    maxTimeMs: null,
    now: new Date(),
  };
  const diagnosis = diagnoseFailure(evidence);
  if (shape.code === 'UND_ERR_HEADERS_TIMEOUT' || shape.code === 'UND_ERR_BODY_TIMEOUT') {
    const summary = `${hostPort(target.host, target.port)} accepted the request but did not answer in time (${shape.code}).`;
    return toMtlsError(diagnose('MTLS_REQUEST_TIMEOUT', summary, { ...(diagnosis.details ? { details: diagnosis.details } : {}) }), error);
  }
  return toMtlsError(diagnosis, error);
}

function passesThrough(error: unknown): boolean {
  if (error instanceof MtlsError) return true;
  const shape = errorEvidence(error);
  return (shape.code !== null && PASS_THROUGH.has(shape.code)) || shape.name === 'AbortError' || shape.name === 'TimeoutError';
}

import { MtlsError } from '../core/errors.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import type { RefusalCheck } from '../forward/index.js';
import type { CertificateFacts } from '../core/certificate/parse.js';
import { newConnectionRecord } from '../tls/connector.js';
import type { FailureEvidence } from '../tls/diagnose.js';
import { diagnoseHttpRejection, recognizeHttpRejection } from '../tls/http-rejection.js';
import { probeServer } from '../tls/probe/index.js';

/** What the bridge's credentials for an upstream are at the moment of a refusal (re-read: rotation may have changed them). */
export type CredentialFactsSource = () => Promise<{ clientChain: CertificateFacts[]; trustedCas: CertificateFacts[] | null; servername?: string }>;

/** The statuses a reverse proxy uses to refuse a client certificate at the HTTP layer (nginx: 400). */
const REFUSAL_STATUSES = new Set([400, 401, 403, 421, 495, 496]);

/**
 * Reverse proxies such as nginx finish the handshake and refuse the certificate with an HTTP page
 * (400 "No required SSL certificate was sent"). `mtls request` diagnoses those pages; so does the
 * bridge, with the same engine (src/tls/http-rejection.ts) and the same TLS 1.2 probe of what the
 * server asks for, so the client gets the same code as a 502. Any other 4xx passes through.
 */
export function httpRefusalCheck(upstream: URL, facts: CredentialFactsSource, connectTimeoutMs = 3000): RefusalCheck {
  const host = upstream.hostname.replace(/^\[|\]$/g, '');
  const port = Number(upstream.port || 443);
  return {
    statuses: REFUSAL_STATUSES,
    maxBytes: 4096,
    async check(status, bodyStart) {
      const body = bodyStart.toString('utf8');
      if (!recognizeHttpRejection(status, body)) return null;
      const current = await facts();
      const servername = current.servername ?? host;
      const probe = await probeServer({ host, port, servername, timeoutMs: Math.min(connectTimeoutMs, 3000) }).catch(() => null);
      const evidence: FailureEvidence = {
        error: null,
        connection: newConnectionRecord(),
        target: { host, port },
        clientChain: current.clientChain,
        trustedCas: current.trustedCas,
        serverChain: [],
        probe,
        maxTimeExceeded: false,
        connectTimeoutMs,
        maxTimeMs: null,
        now: new Date(),
      };
      const judged = diagnoseHttpRejection(status, body, evidence);
      // A page that says nothing about certificates stays the upstream's own answer: only a certain refusal becomes a 502.
      if (!judged?.certain) return null;
      const diagnosis = judged.diagnosis;
      return new MtlsError(diagnosis.code as DiagnosisCode, diagnosis.summary, { ...(diagnosis.details ? { details: diagnosis.details } : {}), causes: diagnosis.causes, fixes: diagnosis.fixes });
    },
  };
}

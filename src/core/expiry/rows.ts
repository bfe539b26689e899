import type { CertificateSummary } from '../certificate/summary.js';
import { commonName, oneLineName } from '../certificate/names.js';
import { thresholdMoment, type Threshold } from '../time/duration.js';

export type ExpiryStatus = 'expired' | 'fail' | 'warn' | 'ok' | 'not-yet-valid';

/** One certificate of one source, as the expiry table shows it. Plain values only. */
export interface ExpiryRow {
  /** File path or endpoint, as given (or found in a folder). */
  source: string;
  /** Position within its source (0 = first certificate). */
  position: number;
  name: string;
  issuer: string;
  role: 'leaf' | 'intermediate' | 'root';
  notBefore: string;
  notAfter: string;
  /** Milliseconds from now to notAfter; negative once expired. */
  remainingMs: number;
  /** Share of the lifetime used up at `now` (above 1 once expired). */
  lifetimeUsed: number;
  status: ExpiryStatus;
  /** Past the --fail threshold (expired certificates always are). */
  failing: boolean;
  fingerprintSha256: string;
}

export interface Thresholds {
  warn: Threshold;
  fail: Threshold;
}

export function expiryRow(cert: CertificateSummary, source: string, position: number, now: Date, thresholds: Thresholds): ExpiryRow {
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const lifetime = Math.max(1, notAfter.getTime() - notBefore.getTime());
  const failing = now.getTime() >= Math.min(thresholdMoment(thresholds.fail, notBefore, notAfter).getTime(), notAfter.getTime());
  const warning = now.getTime() >= thresholdMoment(thresholds.warn, notBefore, notAfter).getTime();
  const status: ExpiryStatus =
    now > notAfter ? 'expired' : failing ? 'fail' : warning ? 'warn' : now < notBefore ? 'not-yet-valid' : 'ok';
  return {
    source,
    position,
    name: commonName(cert.subject) ?? (oneLineName(cert.subject) || '(no subject)'),
    issuer: commonName(cert.issuer) ?? oneLineName(cert.issuer),
    role: cert.ca ? (cert.subject === cert.issuer ? 'root' : 'intermediate') : 'leaf',
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    remainingMs: notAfter.getTime() - now.getTime(),
    lifetimeUsed: (now.getTime() - notBefore.getTime()) / lifetime,
    status,
    failing,
    fingerprintSha256: cert.fingerprint256,
  };
}

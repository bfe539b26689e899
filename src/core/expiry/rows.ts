import type { CertificateSummary } from '../certificate/summary.js';
import { commonName, oneLineName } from '../certificate/names.js';
import type { CrlSummary } from '../revocation/crl-summary.js';
import type { ClientAuthSunset } from '../public-ca/client-auth-sunset.js';
import { thresholdMoment, type Threshold } from '../time/duration.js';

export type ExpiryStatus = 'expired' | 'fail' | 'warn' | 'ok' | 'not-yet-valid';

/** One certificate (or CRL) of one source, as the expiry table shows it. Plain values only. */
export interface ExpiryRow {
  /** File path or endpoint, as given (or found in a folder); an endpoint never with URL credentials. */
  source: string;
  /** A certificate or a CRL, whose nextUpdate counts as its notAfter (peers refuse every client past it). */
  kind: 'certificate' | 'crl';
  /** 'file' for paths; for endpoints, who presented it: the server's chain, or the client certificate we sent. */
  origin: 'file' | 'server' | 'client';
  /** Position within its source (0 = first certificate); within the client chain for origin 'client'. */
  position: number;
  name: string;
  issuer: string;
  /** Whole names, one line ("O=Example, CN=api"). */
  subject: string;
  issuerSubject: string;
  /** Upper-case hex; the cRLNumber for a CRL (decimal), or '' when it has none. */
  serialNumber: string;
  /** 'client': the leaf of the client chain sent to an endpoint. */
  role: 'leaf' | 'intermediate' | 'root' | 'client' | 'crl';
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
  /** A client certificate of a public CA that stops issuing clientAuth certificates. */
  clientAuthSunset: (ClientAuthSunset & { warning: string }) | null;
}

export interface Thresholds {
  warn: Threshold;
  fail: Threshold;
}

export function expiryRow(cert: CertificateSummary, source: string, position: number, now: Date, thresholds: Thresholds): ExpiryRow {
  return timedRow(
    {
      source,
      kind: 'certificate',
      origin: 'file',
      position,
      name: commonName(cert.subject) ?? (oneLineName(cert.subject) || '(no subject)'),
      issuer: commonName(cert.issuer) ?? oneLineName(cert.issuer),
      subject: oneLineName(cert.subject),
      issuerSubject: oneLineName(cert.issuer),
      serialNumber: cert.serialNumber ?? '',
      role: cert.ca ? (cert.subject === cert.issuer ? 'root' : 'intermediate') : 'leaf',
      fingerprintSha256: cert.fingerprint256,
      clientAuthSunset: null,
    },
    new Date(cert.validFrom),
    new Date(cert.validTo),
    now,
    thresholds,
  );
}

/** A CRL's row: thisUpdate → nextUpdate is its lifetime, judged with the same thresholds. */
export function crlRow(crl: CrlSummary & { nextUpdate: string }, source: string, position: number, now: Date, thresholds: Thresholds): ExpiryRow {
  const issuer = commonName(crl.issuer) ?? oneLineName(crl.issuer);
  return timedRow(
    {
      source,
      kind: 'crl',
      origin: 'file',
      position,
      name: `CRL of ${issuer}`,
      issuer,
      subject: '',
      issuerSubject: oneLineName(crl.issuer),
      serialNumber: crl.crlNumber ?? '',
      role: 'crl',
      fingerprintSha256: crl.fingerprint256,
      clientAuthSunset: null,
    },
    new Date(crl.thisUpdate),
    new Date(crl.nextUpdate),
    now,
    thresholds,
  );
}

type Untimed = Omit<ExpiryRow, 'notBefore' | 'notAfter' | 'remainingMs' | 'lifetimeUsed' | 'status' | 'failing'>;

function timedRow(row: Untimed, notBefore: Date, notAfter: Date, now: Date, thresholds: Thresholds): ExpiryRow {
  const lifetime = Math.max(1, notAfter.getTime() - notBefore.getTime());
  const failing = now.getTime() >= Math.min(thresholdMoment(thresholds.fail, notBefore, notAfter).getTime(), notAfter.getTime());
  const warning = now.getTime() >= thresholdMoment(thresholds.warn, notBefore, notAfter).getTime();
  const status: ExpiryStatus =
    now > notAfter ? 'expired' : failing ? 'fail' : warning ? 'warn' : now < notBefore ? 'not-yet-valid' : 'ok';
  return {
    ...row,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    remainingMs: notAfter.getTime() - now.getTime(),
    lifetimeUsed: (now.getTime() - notBefore.getTime()) / lifetime,
    status,
    failing,
  };
}

/** Where one certificate was found: every file (or endpoint) holding it, and its place there. */
export interface FoundIn {
  source: string;
  origin: ExpiryRow['origin'];
  position: number;
}

/** One certificate however many bundles carry it (an intermediate in nine chain files is one row). */
export type ExpiryCertificate = ExpiryRow & { foundIn: FoundIn[] };

/**
 * Rows of the same certificate (same SHA-256 fingerprint, same kind) folded into the first, in
 * the rows' order, with every place it was found. Machine formats keep one row per source (a
 * metric per file); people read one line per certificate.
 */
export function uniqueCertificates(rows: ExpiryRow[]): ExpiryCertificate[] {
  const byFingerprint = new Map<string, ExpiryCertificate>();
  for (const row of rows) {
    const key = `${row.kind} ${row.fingerprintSha256}`;
    const place = { source: row.source, origin: row.origin, position: row.position };
    const seen = byFingerprint.get(key);
    if (!seen) byFingerprint.set(key, { ...row, foundIn: [place] });
    else if (!seen.foundIn.some((f) => f.source === place.source && f.origin === place.origin && f.position === place.position)) seen.foundIn.push(place);
  }
  return [...byFingerprint.values()];
}

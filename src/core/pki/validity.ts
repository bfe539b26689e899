import { MtlsError } from '../errors.js';

export interface ValidityRequest {
  days?: number;
  /** ISO 8601: YYYY-MM-DD (midnight UTC) or a full date-time. */
  notBefore?: string;
  notAfter?: string;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
  warnings: string[];
}

const DAY_MS = 86_400_000;
/** Backdating absorbs clock skew between this machine and the peers that check the certificate. */
const BACKDATE_MS = 5 * 60_000;

/**
 * The validity period of a new certificate. Past dates are allowed (expired certificates for
 * tests) and said so. A certificate is never issued to outlive its issuer: it would stop verifying
 * when the issuer expires anyway, so its end is clamped to the issuer's, with a warning, rather
 * than promising a date it cannot keep.
 */
export function resolveValidity(request: ValidityRequest, defaultDays: number, now: Date, issuerNotAfter?: Date): Validity {
  if (request.days !== undefined && request.notAfter !== undefined) {
    throw new MtlsError('MTLS_VALIDITY_INVALID', '--days and --not-after both set the end of the validity period; give one of them.');
  }
  if (request.days !== undefined && request.days < 1) {
    throw new MtlsError('MTLS_VALIDITY_INVALID', `--days must be at least 1, got ${request.days}.`);
  }
  const days = request.days ?? defaultDays;
  const requestedEnd = request.notAfter === undefined ? undefined : parseIsoDate(request.notAfter, '--not-after');
  let notBefore = request.notBefore === undefined ? undefined : parseIsoDate(request.notBefore, '--not-before');
  if (!notBefore) {
    notBefore = new Date(now.getTime() - BACKDATE_MS);
    // An end already in the past (a deliberately expired certificate) gets a start a full period before it.
    if (requestedEnd && requestedEnd.getTime() <= notBefore.getTime()) notBefore = new Date(requestedEnd.getTime() - days * DAY_MS);
  }
  let notAfter = requestedEnd ?? new Date(notBefore.getTime() + days * DAY_MS);
  if (!requestedEnd) inCertificateRange(notAfter, '--days', String(days));
  if (notAfter.getTime() <= notBefore.getTime()) {
    throw new MtlsError('MTLS_VALIDITY_INVALID', `The certificate would end (${notAfter.toISOString()}) before it starts (${notBefore.toISOString()}).`);
  }
  const warnings: string[] = [];
  if (issuerNotAfter && notAfter.getTime() > issuerNotAfter.getTime()) {
    notAfter = issuerNotAfter;
    warnings.push(`the end date was shortened to the CA's own expiry, ${issuerNotAfter.toISOString()}: a certificate stops verifying when its issuer expires.`);
    if (notAfter.getTime() <= notBefore.getTime()) {
      if (issuerNotAfter.getTime() > now.getTime()) {
        throw new MtlsError('MTLS_VALIDITY_INVALID', `The certificate would start (${notBefore.toISOString()}) after its CA expires (${issuerNotAfter.toISOString()}).`);
      }
      throw new MtlsError('MTLS_CA_EXPIRED', `The CA expired on ${issuerNotAfter.toISOString()}; it cannot issue a certificate valid from ${notBefore.toISOString()}.`);
    }
  }
  if (notAfter.getTime() <= now.getTime()) {
    warnings.push(`this certificate is already expired (notAfter ${notAfter.toISOString()}) — for testing; peers will refuse it.`);
  } else if (notBefore.getTime() > now.getTime()) {
    warnings.push(`this certificate is not valid yet (notBefore ${notBefore.toISOString()}); peers will refuse it until then.`);
  }
  return { notBefore, notAfter, warnings };
}

/** X.509 dates run from 1950 (UTCTime) to 9999 (GeneralizedTime); anything outside cannot be encoded. */
const EARLIEST = Date.UTC(1950, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

/** Date rolls 2026-02-30 over to March 2nd; such a day is refused rather than moved. */
function calendarDayExists(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day && month >= 1 && month <= 12;
}

function inCertificateRange(date: Date, flag: string, text: string): Date {
  if (date.getTime() < EARLIEST || date.getTime() > LATEST) {
    throw new MtlsError('MTLS_VALIDITY_INVALID', `${flag} ${text}: certificates can hold dates from 1950 to 9999 only.`, { details: { flag, value: text } });
  }
  return date;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** YYYY-MM-DD is midnight UTC; a date-time without a zone is taken as UTC too, so results do not depend on TZ. */
export function parseIsoDate(text: string, flag: string): Date {
  const trimmed = text.trim();
  if (ISO_DATE.test(trimmed)) {
    const zoned = /T/.test(trimmed) && !/(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? `${trimmed}Z` : trimmed;
    const date = new Date(zoned);
    if (!Number.isNaN(date.getTime()) && calendarDayExists(trimmed)) return inCertificateRange(date, flag, text);
  }
  throw new MtlsError('MTLS_VALIDITY_INVALID', `${flag} ${text}: not a valid date (ISO 8601: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ).`, {
    details: { flag, value: text },
  });
}

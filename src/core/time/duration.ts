import { MtlsError } from '../errors.js';

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/**
 * A threshold before a certificate's notAfter: a fixed span ("14d", "12h", "2w", "0") or a
 * share of the certificate's lifetime that must have passed ("80%": warn once 80 % of the time
 * between notBefore and notAfter is used up, which suits both 90-day and 10-year certificates).
 */
export type Threshold = { kind: 'span'; ms: number; text: string } | { kind: 'lifetime'; share: number; text: string };

/** Parses "30d", "12h", "2w", "1y", "90m", "45s", "0", combinations like "1d12h", or "80%". */
export function parseThreshold(text: string, flag: string): Threshold {
  const trimmed = text.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(trimmed);
  if (percent) {
    const share = Number(percent[1]) / 100;
    if (share > 1) throw usage(flag, text, 'a share of lifetime is at most 100%', `${flag} 80%`);
    return { kind: 'lifetime', share, text: trimmed };
  }
  return { kind: 'span', ms: parseDuration(trimmed, flag), text: trimmed };
}

/** A duration in milliseconds: "14d", "12h", "1d12h", "2w", "0". */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '0') return 0;
  if (!/^(\d+(\.\d+)?[smhdwy])+$/.test(trimmed)) throw usage(flag, text, 'expected a duration such as 14d, 12h, 2w or 1y, or a share of lifetime such as 80%', `${flag} 14d`);
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)([smhdwy])/g)) total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return total;
}

/** The moment from which a certificate counts as past the threshold. */
export function thresholdMoment(threshold: Threshold, notBefore: Date, notAfter: Date): Date {
  if (threshold.kind === 'span') return new Date(notAfter.getTime() - threshold.ms);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + lifetime * threshold.share);
}

/**
 * A point in time for --at: an ISO 8601 date or date-time ("2030-01-01", "2030-01-01T12:00Z"),
 * "now", or an offset from now ("+30d", "-1y").
 */
export function parseInstant(text: string, flag: string, now: Date = new Date()): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  const offset = /^([+-])((?:\d+(?:\.\d+)?[smhdwy])+)$/i.exec(trimmed);
  if (offset) {
    const ms = parseDuration(offset[2] as string, flag);
    return new Date(now.getTime() + (offset[1] === '-' ? -ms : ms));
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  // An instant is not a duration: the example must be one this flag takes ("14d" alone is rejected here).
  throw usage(flag, text, 'expected an ISO date such as 2030-01-01 or 2030-01-01T12:00:00Z, "now", or an offset such as +30d', `${flag} +30d`);
}

function usage(flag: string, text: string, hint: string, example: string): MtlsError {
  return new MtlsError('MTLS_USAGE', `${flag} '${text}' is not valid: ${hint}.`, { fixes: [`Example: ${example}`] });
}

import type { CheckStatus, DoctorCheck } from './types.js';

export interface DoctorCounts {
  pass: number;
  warn: number;
  fail: number;
  skip: number;
}

/** The whole run: every check in order, and what to fix first. */
export interface DoctorReport {
  ok: boolean;
  /** --strict: warnings fail the run too. */
  strict: boolean;
  counts: DoctorCounts;
  /** The first failing check (or, with --strict and no failure, the first warning): fix this first. */
  fixFirst: DoctorCheck | null;
  checks: DoctorCheck[];
}

/**
 * Checks run from causes to symptoms (files, then the key, then the certificate, the chain,
 * then the network), so the first failure in order is the one to fix first: later ones are
 * often its consequences.
 */
export function doctorReport(checks: DoctorCheck[], strict: boolean): DoctorReport {
  const counts: DoctorCounts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status] += 1;
  const blocking: CheckStatus[] = strict ? ['fail', 'warn'] : ['fail'];
  const fixFirst = checks.find((c) => c.status === 'fail') ?? (strict ? checks.find((c) => c.status === 'warn') : undefined) ?? null;
  return { ok: !checks.some((c) => blocking.includes(c.status)), strict, counts, fixFirst, checks };
}

export function doctorExitCode(report: DoctorReport): 0 | 1 {
  return report.ok ? 0 : 1;
}

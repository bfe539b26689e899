import type { DiagnosisCode } from '../../diagnoses/catalog.js';

/** pass: fine; warn: works but should be fixed; fail: will break; skip: could not run (the summary says why). */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** One line of the doctor's checklist: a plain value, whatever the outcome. */
export interface DoctorCheck {
  /** Stable identifier, e.g. 'key-match', 'remote.client-cas'. */
  id: string;
  title: string;
  status: CheckStatus;
  code?: DiagnosisCode;
  summary: string;
  /** What to do, for warn and fail (commands in backticks). */
  fix?: string;
  /** The file the finding is about, as the user gave it (for CI annotations). */
  file?: string;
  /** The URL or config target the check belongs to; absent for a single local setup. */
  target?: string;
}

export type Role = 'client' | 'server';

export function check(id: string, title: string, status: CheckStatus, summary: string, extra: Partial<Pick<DoctorCheck, 'code' | 'fix' | 'file'>> = {}): DoctorCheck {
  return { id, title, status, summary, ...definedOnly(extra) };
}

/** A check that could not run because an earlier one failed or its input is absent. */
export function skipped(id: string, title: string, reason: string): DoctorCheck {
  return { id, title, status: 'skip', summary: reason };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

import type { Diagnosis, RankedCause } from '../diagnoses/types.js';
import { catalog, type DiagnosisCode } from '../diagnoses/catalog.js';

export interface MtlsErrorOptions {
  /** Specific facts for this case; never a secret. */
  details?: Record<string, string | number | boolean | string[]>;
  /** Causes ranked by evidence; defaults to the catalog's order. */
  causes?: RankedCause[];
  /** Fixes specific to this case; shown before the catalog's generic ones. */
  fixes?: string[];
  /**
   * false: this case's fixes are complete, and the catalog's generic ones (with DIR, CERT, --pass
   * placeholders) would only repeat them less precisely, or name another command's flag.
   */
  catalogFixes?: boolean;
  cause?: unknown;
}

/**
 * Thrown when a check cannot run at all (an unreadable file, a wrong passphrase). A check that
 * runs and finds a problem returns a finding instead. Carries a catalog code, so the CLI can
 * render it and choose the exit code without knowing where it came from.
 */
export class MtlsError extends Error {
  override readonly name = 'MtlsError';
  readonly code: DiagnosisCode;
  readonly details: Record<string, string | number | boolean | string[]>;
  readonly causes: RankedCause[] | undefined;
  readonly fixes: string[];
  readonly catalogFixes: boolean;

  constructor(code: DiagnosisCode, summary: string, options: MtlsErrorOptions = {}) {
    super(summary, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
    this.causes = options.causes;
    this.fixes = options.fixes ?? [];
    this.catalogFixes = options.catalogFixes !== false;
  }

  /** The catalog's one-line title for the code. */
  get title(): string {
    return catalog[this.code].title;
  }

  /** The first thing to try: this case's own fix, else the catalog's. */
  get fix(): string | undefined {
    return this.fixes[0] ?? catalog[this.code].fixes[0];
  }

  get exitCode(): 1 | 2 {
    return catalog[this.code].exit;
  }

  toDiagnosis(): Diagnosis {
    return diagnose(this.code, this.message, {
      details: this.details,
      ...(this.causes ? { causes: this.causes } : {}),
      fixes: this.fixes,
      ...(this.catalogFixes ? {} : { catalogFixes: false }),
    });
  }
}

/** Builds a reportable diagnosis from a catalog code and the case's own facts. */
export function diagnose(
  code: DiagnosisCode,
  summary: string,
  options: Omit<MtlsErrorOptions, 'cause'> = {},
): Diagnosis {
  const entry = catalog[code];
  const fixes = [...(options.fixes ?? [])];
  if (options.catalogFixes !== false || fixes.length === 0) for (const fix of entry.fixes) if (!fixes.includes(fix)) fixes.push(fix);
  const diagnosis: Diagnosis = {
    code,
    title: entry.title,
    summary,
    causes: options.causes ?? entry.causes.map((cause) => ({ cause, likelihood: 'medium' as const })),
    fixes,
    exit: entry.exit,
  };
  if (options.details && Object.keys(options.details).length > 0) diagnosis.details = options.details;
  return diagnosis;
}

export function isMtlsError(error: unknown): error is MtlsError {
  return error instanceof MtlsError;
}

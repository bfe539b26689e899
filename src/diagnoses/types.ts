/**
 * The shape of one entry of the diagnosis catalog. Entries are data: a stable code, what it
 * means, the usual causes (most likely first) and the fixes. A finding at run time refers to an
 * entry by code and adds the evidence that was at hand.
 */
export interface DiagnosisEntry {
  /** One line, shown after the code. */
  title: string;
  /** What happened, in plain words, for someone who has not met it before. */
  meaning: string;
  /** Usual causes, most likely first, before any evidence re-ranks them. */
  causes: readonly string[];
  /** What to do, as sentences or commands (commands in backticks). */
  fixes: readonly string[];
  /** Exit code when this diagnosis ends a command: 1 the thing checked is wrong, 2 the input is invalid. */
  exit: 1 | 2;
  /** Anchor in docs/troubleshooting.md, where a longer explanation lives. */
  docs?: string;
}

export type Catalog = Record<`MTLS_${string}`, DiagnosisEntry>;

/** A cause ranked against the evidence at hand. */
export interface RankedCause {
  cause: string;
  /** 'high' when the evidence points at it, 'low' when the evidence speaks against it. */
  likelihood: 'high' | 'medium' | 'low';
  evidence?: string;
}

/** A diagnosis as it is reported: catalog entry + what was actually seen. Plain, serialisable. */
export interface Diagnosis {
  code: string;
  title: string;
  /** The specific sentence for this case (names the file, the certificate, the host). */
  summary: string;
  causes: RankedCause[];
  fixes: string[];
  exit: 1 | 2;
  details?: Record<string, string | number | boolean | string[]>;
}

import type { Diagnosis } from '../diagnoses/types.js';

/**
 * The diagnosis behind a library error as the engine worded it, before wording.ts put it in the
 * options' words. `mtls bridge` uses the library's agent but speaks to people who typed CLI flags
 * (--cacert, not `ca`), so it answers with these words. Kept beside the error, not in it, so the
 * library's public error stays as it was.
 */
const original = new WeakMap<Error, Diagnosis>();

export function rememberCliWords(error: Error, diagnosis: Diagnosis): void {
  original.set(error, diagnosis);
}

/** The CLI-worded diagnosis of an error the library raised, or null for any other error. */
export function cliWordsOf(error: Error): Diagnosis | null {
  return original.get(error) ?? null;
}

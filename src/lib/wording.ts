import { MtlsError } from '../core/errors.js';
import type { DiagnosisCode } from '../diagnoses/catalog.js';
import type { Diagnosis, RankedCause } from '../diagnoses/types.js';
import { rememberMtlsError } from './find-error.js';
import { rememberCliWords } from './cli-words.js';

/**
 * The catalog and the shared diagnosis speak to CLI users (`--cacert ca.crt`); a library user
 * sets options. These rewrite the CLI's words into the options' names, longest phrases first.
 */
const REWRITES: [RegExp, string][] = [
  [/`mtls request URL(?: -v)? --cert client\.crt --key client\.key`/g, "`createMtlsAgent({ cert: 'client.crt', key: 'client.key' })`"],
  [/`mtls request URL --cacert ([^`]+)`/g, "`createMtlsAgent({ ca: '$1' })`"],
  [/`--cert client\.crt --key client\.key`/g, "the `cert` and `key` options"],
  [/`--pass (?:env:NAME|file:PATH|stdin)`(?:,? (?:or|and) `--pass (?:env:NAME|file:PATH|stdin)`)*/g, 'the `passphrase` option'],
  [/\(or read it from a file with --pass file:PATH\)/g, '(read it from a secret store, not from code)'],
  [/--pass (?:env|file):[^\s:`),]+/g, 'the `passphrase` option'],
  [/`--cacert ([^`]+)`/g, "`ca: '$1'`"],
  [/`--cert-type PEM\|DER\|P12`/g, "`certType: 'PEM' | 'DER' | 'P12'`"],
  [/`--servername NAME`/g, "`servername: 'NAME'`"],
  [/`--connect-timeout (\d+)`/g, '`connectTimeout: $1000` (milliseconds)'],
  [/`--max-time (\d+)`/g, '`AbortSignal.timeout($1000)` as the signal'],
  [/`--insecure`/g, '`rejectUnauthorized: false`'],
  [/`--cert FILE`/g, '`cert`'],
  [/`--key FILE`/g, '`key`'],
  [/--cacert/g, 'the `ca` option'],
  [/--cert-type/g, 'the `certType` option'],
  [/--cert\b/g, 'the `cert` option'],
  [/--key\b/g, 'the `key` option'],
  [/--pass\b/g, 'the `passphrase` option'],
  [/--servername/g, 'the `servername` option'],
  [/--connect-timeout/g, 'the `connectTimeout` option'],
  [/MTLS_CERT_PATH, or the config file/g, 'the `cert` option or loadMtlsConfig'],
];

export function inLibraryWords(text: string): string {
  let result = text;
  for (const [pattern, replacement] of REWRITES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * An MtlsError as the library raises it: the same code and facts, its message, causes and fixes
 * in the options' words, and a toDiagnosis() that does not add back the catalog's CLI fixes.
 */
class LibraryMtlsError extends MtlsError {
  override toDiagnosis(): Diagnosis {
    const diagnosis = super.toDiagnosis();
    return { ...diagnosis, causes: diagnosis.causes.map(rewordCause), fixes: [...new Set(diagnosis.fixes.map(inLibraryWords))] };
  }
}

function rewordCause(cause: RankedCause): RankedCause {
  return { ...cause, cause: inLibraryWords(cause.cause), ...(cause.evidence ? { evidence: inLibraryWords(cause.evidence) } : {}) };
}

/** A diagnosis (from the shared engine or the catalog) as the library's MtlsError. */
export function libraryError(diagnosis: Diagnosis, cause: unknown): MtlsError {
  const error = new LibraryMtlsError(diagnosis.code as DiagnosisCode, inLibraryWords(diagnosis.summary), {
    ...(diagnosis.details ? { details: diagnosis.details } : {}),
    causes: diagnosis.causes.map(rewordCause),
    fixes: [...new Set(diagnosis.fixes.map(inLibraryWords))],
    cause,
  });
  rememberMtlsError(error);
  rememberCliWords(error, diagnosis);
  return error;
}

/**
 * An MtlsError from the shared loader (its fixes name CLI flags), reworded, with the full paths in
 * `paths` shown as given; its cause stays the loader's cause.
 */
export function rewordError(error: unknown, paths: Map<string, string> = new Map()): unknown {
  if (!(error instanceof MtlsError) || error instanceof LibraryMtlsError) return error;
  const hide = (text: string) => [...paths].reduce((result, [full, shown]) => result.split(full).join(shown), text);
  const diagnosis = error.toDiagnosis();
  const details = diagnosis.details
    ? Object.fromEntries(Object.entries(diagnosis.details).map(([key, value]) => [key, typeof value === 'string' ? hide(value) : Array.isArray(value) ? value.map(hide) : value]))
    : undefined;
  // The loader's cause (fs's ENOENT names the full path) is kept only when it names none of them.
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? `${cause.message} ${(cause as { path?: unknown }).path ?? ''}` : String(cause ?? '');
  const keptCause = [...paths.keys()].some((full) => causeText.includes(full)) ? undefined : cause;
  return libraryError({ ...diagnosis, summary: hide(diagnosis.summary), ...(details ? { details } : {}) }, keptCause);
}

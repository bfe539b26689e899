import { relative, isAbsolute } from 'node:path';
import type { ChalkInstance } from 'chalk';
import type { PkiResult } from '../core/pki/result.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/** A path as the user would type it: relative to the working directory when it lies inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The result, for stdout: one line per file written, with what it is. */
export function renderWrittenFiles(given: PkiResult, cwd: string, style: ChalkInstance): string {
  const result = escapeControlsDeep(given);
  const paths = result.files.map((f) => displayPath(f.path, cwd));
  const width = Math.max(...paths.map((p) => p.length));
  return result.files
    .map((file, i) => `${style.bold((paths[i] ?? '').padEnd(width))}  ${file.kind}${file.mode === '0600' ? ' (mode 0600)' : ''}`)
    .join('\n');
}

/** What was issued and what to do next, for stderr. */
export function renderIssuedAndNext(given: PkiResult, givenNext: string[], style: ChalkInstance): string {
  // `mtls sign CSR` copies the subject and names of a CSR read from a file.
  const result = escapeControlsDeep(given);
  const next = escapeControlsDeep(givenNext);
  const lines: string[] = [];
  const issued = result.certificate;
  if (issued) {
    lines.push(`${style.green('✔')} ${issued.profile} certificate "${issued.subject}" (${issued.key}), issued by "${issued.issuer}"`);
    if (issued.subjectAltNames.length > 0) lines.push(`  names: ${issued.subjectAltNames.join(', ')}`);
    lines.push(`  valid ${issued.notBefore} → ${issued.notAfter}, serial ${issued.serialNumber}`);
  }
  if (next.length > 0) {
    lines.push('', style.bold('Next:'));
    for (const step of next) lines.push(`  ${step}`);
  }
  return lines.join('\n');
}

import type { DoctorCheck } from '../core/doctor/types.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/**
 * GitHub Actions workflow commands (`::error file=…,title=…::message`), one per failing or
 * warning check, so the findings show as annotations on the run and, with a file, on that file.
 * Data and properties are escaped as the runner expects (%, CR, LF; also : and , in properties).
 */
export function renderGithubAnnotations(given: DoctorCheck[]): string {
  // A CI log is a terminal too (GitHub's viewer acts on escape sequences).
  const checks = escapeControlsDeep(given);
  const lines: string[] = [];
  for (const check of checks) {
    if (check.status !== 'fail' && check.status !== 'warn') continue;
    const properties = [...(check.file ? [`file=${escapeProperty(check.file)}`] : []), `title=${escapeProperty(check.code ?? check.title)}`];
    const message = `${check.title}: ${check.summary}${check.fix ? ` Fix: ${check.fix}` : ''}${check.target ? ` (${check.target})` : ''}`;
    lines.push(`::${check.status === 'fail' ? 'error' : 'warning'} ${properties.join(',')}::${escapeData(message)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

import type { ChalkInstance } from 'chalk';
import type { Diagnosis } from '../diagnoses/types.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

/** Human form of a diagnosis: code and title, the case, ranked causes, fixes. */
export function renderDiagnosis(given: Diagnosis, style: ChalkInstance, label = 'error'): string {
  // Summaries and causes quote certificates and servers ("rejected your client certificate "CN=…"").
  const diagnosis = escapeControlsDeep(given);
  const head = label === 'error' ? style.red.bold(label) : style.yellow.bold(label);
  const lines = [`${head} ${style.bold(diagnosis.code)}: ${diagnosis.title}`, `  ${diagnosis.summary}`];
  const ranked = diagnosis.causes.filter((c) => c.likelihood !== 'low');
  if (ranked.length > 0) {
    lines.push(style.dim('  Likely causes:'));
    ranked.forEach((c, i) => {
      const evidence = c.evidence ? style.dim(` (${c.evidence})`) : '';
      lines.push(`    ${i + 1}. ${c.cause}${evidence}`);
    });
  }
  if (diagnosis.fixes.length > 0) {
    lines.push(style.dim('  Fix:'));
    for (const fix of diagnosis.fixes) lines.push(`    ${style.cyan('→')} ${highlightCommands(fix, style)}`);
  }
  // The installed package has no docs folder in the user's project: the CLI explains its own codes.
  if (/^MTLS_[A-Z0-9_]+$/.test(diagnosis.code) && diagnosis.code !== 'MTLS_USAGE') lines.push(style.dim(`  More: mtls explain ${diagnosis.code}`));
  return `${lines.join('\n')}\n`;
}

function highlightCommands(text: string, style: ChalkInstance): string {
  return text.replace(/`([^`]+)`/g, (_m, command: string) => style.bold(command));
}

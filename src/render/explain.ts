import type { ChalkInstance } from 'chalk';
import type { DiagnosisEntry } from '../diagnoses/types.js';
import type { SeenElsewhere } from '../diagnoses/elsewhere.js';
import { wrapLine } from './wrap.js';

export interface ExplainedCode {
  code: string;
  group: string;
  entry: DiagnosisEntry;
  elsewhere: SeenElsewhere | null;
}

/** `mtls explain CODE`: the catalog entry for a person, wrapped to `width` when known. */
export function renderExplanation(explained: ExplainedCode, style: ChalkInstance, width: number | null): string {
  const { code, entry, elsewhere } = explained;
  const lines: string[] = [];
  const push = (line: string, extra = 2) => lines.push(wrapLine(line, width, { extra }));
  push(`${style.bold(code)}: ${entry.title}`);
  push(style.dim(`exit ${entry.exit} (${entry.exit === 1 ? 'the thing checked is wrong' : 'an input or flag is invalid'}), group ${explained.group}`));
  lines.push('');
  push(`  ${entry.meaning}`, 0);
  lines.push('', style.dim('  Likely causes, most likely first:'));
  entry.causes.forEach((cause, i) => push(`    ${i + 1}. ${cause}`, 3));
  lines.push('', style.dim('  What to do:'));
  for (const fix of entry.fixes) push(`    ${style.cyan('→')} ${fix.replace(/`([^`]+)`/g, (_m, command: string) => style.bold(command))}`, 2);
  if (elsewhere) {
    lines.push('', style.dim('  How other tools show it:'));
    const tools: [string, string | undefined][] = [['curl', elsewhere.curl], ['openssl', elsewhere.openssl], ['Node', elsewhere.node], ['server', elsewhere.server]];
    for (const [tool, text] of tools) if (text) push(`    ${tool.padEnd(8)} ${text}`, 9);
  }
  return `${lines.join('\n')}\n`;
}

/** `mtls explain` alone: every code by group, one line each. */
export function renderCodeList(groups: { name: string; description: string; codes: { code: string; title: string }[] }[], style: ChalkInstance, width: number | null): string {
  const pad = Math.max(...groups.flatMap((g) => g.codes.map((c) => c.code.length)));
  const lines: string[] = [];
  for (const group of groups) {
    lines.push(`${style.bold(group.name)} ${style.dim(`(${group.description})`)}`);
    for (const { code, title } of group.codes) lines.push(wrapLine(`  ${code.padEnd(pad)}  ${title}`, width, { indent: width !== null && width < pad + 30 ? 6 : pad + 4 }));
    lines.push('');
  }
  lines.push(style.dim('Run `mtls explain CODE` for one (case does not matter, MTLS_ may be left out).'));
  return `${lines.join('\n')}\n`;
}

import type { ChalkInstance } from 'chalk';
import type { CheckStatus, DoctorCheck } from '../core/doctor/types.js';
import type { DoctorReport } from '../core/doctor/report.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';
import { wrapLine } from './wrap.js';

const LABELS: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

function label(status: CheckStatus, style: ChalkInstance): string {
  const text = LABELS[status];
  if (status === 'pass') return style.green(text);
  if (status === 'warn') return style.yellow.bold(text);
  if (status === 'fail') return style.red.bold(text);
  return style.dim(text);
}

/**
 * The checklist: one line per check under a heading per target, each warning and failure with
 * its fix below it, then one summary line naming what to fix first. No timings and no relative
 * dates, so a CI log reads the same on every run.
 */
export function renderDoctorReport(given: DoctorReport, style: ChalkInstance, width: number | null = null): string {
  const report = escapeControlsDeep(given);
  const lines: string[] = [];
  let current: string | undefined | null = null;
  for (const check of report.checks) {
    if (check.target !== current) {
      if (lines.length > 0) lines.push('');
      lines.push(style.bold(check.target ?? 'Local setup'));
      current = check.target;
    }
    // On a terminal, a long check hangs under its title, a long fix under its text.
    const [head, fix] = checkLines(check, style);
    lines.push(wrapLine(head as string, width, { indent: 8 }));
    if (fix) lines.push(wrapLine(fix, width, { indent: 13 }));
  }
  lines.push('', wrapLine(summaryLine(report, style), width, { indent: 2 }));
  return `${lines.join('\n')}\n`;
}

function checkLines(check: DoctorCheck, style: ChalkInstance): string[] {
  const code = check.code && check.status !== 'pass' ? ` ${style.dim(`[${check.code}]`)}` : '';
  const lines = [`  ${label(check.status, style)}  ${style.bold(check.title)}: ${check.summary}${code}`];
  if (check.fix && (check.status === 'fail' || check.status === 'warn')) lines.push(`        ${style.cyan('fix:')} ${highlight(check.fix, style)}`);
  return lines;
}

export function summaryLine(given: DoctorReport, style: ChalkInstance): string {
  const report = escapeControlsDeep(given);
  const { counts } = report;
  const parts = [
    `${counts.fail} failed`,
    `${counts.warn} warning${counts.warn === 1 ? '' : 's'}`,
    `${counts.pass} passed`,
    ...(counts.skip > 0 ? [`${counts.skip} skipped`] : []),
  ];
  const tally = `${parts.join(', ')}.`;
  const first = report.fixFirst;
  if (!first) return report.ok ? `${style.green.bold('OK')} ${tally}` : tally;
  const where = first.target ? ` (${first.target})` : '';
  const fix = first.fix ? ` ${highlight(first.fix, style)}` : '';
  return `${style.red.bold('NOT OK')} ${tally} Fix first: ${style.bold(first.title)}${where}:${fix || ` ${first.summary}`}`;
}

function highlight(text: string, style: ChalkInstance): string {
  return text.replace(/`([^`]+)`/g, (_m, command: string) => style.bold(command));
}

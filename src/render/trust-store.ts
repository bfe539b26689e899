import type { ChalkInstance } from 'chalk';
import type { TrustReport, TrustStoreStep } from '../core/trust-store/index.js';

/** One line per store: what happened and why, then the exact commands and files it touched (or would). */
export function renderTrustReport(report: TrustReport, style: ChalkInstance): string {
  const lines: string[] = [];
  if (report.dryRun) lines.push(style.bold(`dry run: nothing was changed. ${report.mode === 'install' ? 'Installing' : 'Uninstalling'} "${report.ca.name}" would do this:`));
  for (const step of report.steps) {
    lines.push(`${mark(step, style)} ${step.status.padEnd(17)} ${style.bold(step.location)}: ${step.detail}`);
    for (const file of step.files) lines.push(style.dim(`    file: ${file}`));
    for (const command of step.commands) lines.push(style.dim(`    $ ${command.map(quote).join(' ')}`));
  }
  return lines.join('\n');
}

function mark(step: TrustStoreStep, style: ChalkInstance): string {
  switch (step.status) {
    case 'installed':
    case 'removed':
      return style.green('✔');
    case 'already-installed':
    case 'not-installed':
      return style.green('=');
    case 'would-install':
    case 'would-remove':
      return style.cyan('→');
    case 'failed':
      return style.red('✘');
    case 'advice':
      return style.yellow('!');
    default:
      return style.dim('-');
  }
}

/** A command as it can be pasted into a POSIX shell. */
function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

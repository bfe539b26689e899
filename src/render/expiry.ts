import type { ChalkInstance } from 'chalk';
import type { ExpiryReport } from '../core/expiry/scan.js';
import type { ExpiryCertificate, ExpiryRow, ExpiryStatus } from '../core/expiry/rows.js';
import { relativeTime } from '../core/time/relative.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';
import { wrapLine } from './wrap.js';

const BAR_WIDTH = 12;

/**
 * One table, soonest expiry first. The bar is each certificate's lifetime from notBefore to
 * notAfter with the part already used filled in, so a 90-day and a 10-year certificate can be
 * compared at a glance.
 */
export function renderExpiry(given: ExpiryReport, style: ChalkInstance, now: Date, width: number | null = null): string {
  const report = escapeControlsDeep(given);
  const lines: string[] = [];
  if (report.rows.length > 0) {
    const header = ['STATUS  ', 'EXPIRES   ', 'IN               ', 'LIFETIME    ', ' ROLE         ', 'NAME'];
    lines.push(style.dim(header.join(' ')));
    // One line per certificate: an intermediate in nine bundles is one line naming the nine files.
    for (const row of report.unique ?? report.rows) lines.push(renderRow(row, style, now));
  }
  for (const u of report.unreachable) lines.push(`${style.red('unreachable')} ${u.endpoint}: ${withoutPrefix(u.reason, `${u.endpoint}: `)} ${style.dim(`[${u.code}]`)}`);
  for (const s of report.skipped) lines.push(`${style.yellow('skipped')} ${s.source}: ${s.reason}`);
  for (const w of report.warnings ?? []) lines.push(`${style.yellow('warning')} ${w.name} (${w.source}): ${w.warning}`);
  lines.push('', summary(report, style));
  // On a terminal, a row wider than it goes on under EXPIRES; other lines hang by two.
  return lines.map((line) => wrapLine(line, width, { indent: report.rows.length > 0 && /^\S+ +\d{4}-/.test(line.replace(/\x1b\[[0-9;]*m/g, '')) ? 9 : 2 })).join('\n');
}

/** The connection error already names the endpoint, which the row prints first. */
function withoutPrefix(text: string, prefix: string): string {
  return text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

/** Where a certificate was found: its source (and place in it), or every one of them. */
function placesOf(row: ExpiryRow | ExpiryCertificate): string {
  const places = 'foundIn' in row ? row.foundIn : [row];
  return places.map((p) => `${p.source}${p.origin === 'client' ? ' (client certificate sent)' : ''}${p.position > 0 ? ` #${p.position + 1}` : ''}`).join(', ');
}

function renderRow(row: ExpiryRow | ExpiryCertificate, style: ChalkInstance, now: Date): string {
  const paint = colourOf(row.status, style);
  const status = paint(row.status.padEnd(8));
  const expires = row.notAfter.slice(0, 10);
  const when = relativeTime(new Date(row.notAfter), now).padEnd(17);
  const used = Math.min(BAR_WIDTH, Math.max(0, Math.round(row.lifetimeUsed * BAR_WIDTH)));
  const bar = paint('━'.repeat(used)) + style.dim('─'.repeat(BAR_WIDTH - used));
  const where = placesOf(row);
  const sunset = row.clientAuthSunset ? style.yellow(` ⚠ clientAuth ends ${row.clientAuthSunset.date}`) : '';
  return `${status} ${expires} ${when} ${bar}  ${row.role.padEnd(12)} ${style.bold(row.name)} ${style.dim(where)}${sunset}`;
}

function colourOf(status: ExpiryStatus, style: ChalkInstance): (text: string) => string {
  switch (status) {
    case 'expired':
    case 'fail':
      return style.red;
    case 'warn':
      return style.yellow;
    case 'not-yet-valid':
      return style.cyan;
    default:
      return style.green;
  }
}

function summary(report: ExpiryReport, style: ChalkInstance): string {
  const { counts } = report;
  const distinct = counts.uniqueCertificates ?? counts.certificates;
  const copies = distinct < counts.certificates ? ` (${counts.certificates} counting repeats)` : '';
  const parts = [`${distinct} certificate${distinct === 1 ? '' : 's'}${copies} from ${counts.files} file${counts.files === 1 ? '' : 's'}${counts.endpoints > 0 ? ` and ${counts.endpoints} endpoint${counts.endpoints === 1 ? '' : 's'}` : ''}`];
  if (counts.expired > 0) parts.push(style.red(`${counts.expired} expired`));
  if (counts.failing > counts.expired) parts.push(style.red(`${counts.failing - counts.expired} within --fail ${report.fail}`));
  if (counts.warning > 0) parts.push(style.yellow(`${counts.warning} within --warn ${report.warn}`));
  if (report.ignoredFiles > 0) parts.push(style.dim(`${report.ignoredFiles} file${report.ignoredFiles === 1 ? '' : 's'} without certificates passed over`));
  const verdict = report.ok ? style.green.bold('✔ ok') : style.red.bold('✘ failing');
  const code = report.ok ? '' : style.dim(` (${report.unreachable.length > 0 && counts.failing === 0 ? 'MTLS_ENDPOINT_UNREACHABLE' : 'MTLS_EXPIRY_PAST_FAIL'})`);
  return `${verdict}  ${parts.join(', ')}.${code}`;
}

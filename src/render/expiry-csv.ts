import type { ExpiryReport } from '../core/expiry/scan.js';

const COLUMNS = ['source', 'presented_by', 'kind', 'position', 'role', 'name', 'subject', 'issuer', 'serial', 'not_before', 'not_after', 'expires_in_seconds', 'status', 'failing', 'sha256', 'warning'] as const;

/**
 * RFC 4180 CSV, one row per certificate (or CRL), header first, CRLF line ends. A text cell that
 * starts with = + - @ (or a tab or CR) is prefixed with ' so that a spreadsheet shows it rather
 * than runs it as a formula (OWASP "CSV injection"): subjects come from certificates anyone can make.
 */
export function renderExpiryCsv(report: ExpiryReport): string {
  const now = Date.parse(report.now);
  const lines = [COLUMNS.join(',')];
  for (const row of report.rows) {
    const cells: (string | number)[] = [
      row.source,
      row.origin,
      row.kind,
      row.position,
      row.role,
      row.name,
      row.subject,
      row.issuerSubject,
      row.serialNumber,
      row.notBefore,
      row.notAfter,
      Math.round((Date.parse(row.notAfter) - now) / 1000),
      row.status,
      row.failing ? 'true' : 'false',
      row.fingerprintSha256,
      row.clientAuthSunset?.warning ?? '',
    ];
    lines.push(cells.map(cell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

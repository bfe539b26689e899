import type { ExpiryReport } from '../core/expiry/scan.js';
import type { ExpiryRow } from '../core/expiry/rows.js';

/**
 * The Prometheus text exposition format, for node_exporter's textfile collector: gauges only,
 * HELP and TYPE once per family, one series per certificate (or CRL) per source.
 *
 * One series per certificate *per source*: a CA that appears in three bundles is three things to
 * renew, each with its own file label, so it is three series; the same row twice (an endpoint
 * given twice) is written once, as a duplicate series makes the collector drop the whole file.
 * Written by hand: the format is a few lines of text, and a client library would add a
 * dependency and a registry for a file written once per run.
 */
export function renderExpiryPrometheus(report: ExpiryReport): string {
  const seen = new Set<string>();
  const rows: { row: ExpiryRow; labels: string }[] = [];
  for (const row of report.rows) {
    const labels = rowLabels(row);
    if (seen.has(labels)) continue;
    seen.add(labels);
    rows.push({ row, labels });
  }
  const now = Date.parse(report.now);
  const out: string[] = [];
  const family = (name: string, help: string, values: [string, number][]) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const [labels, value] of values) out.push(`${name}${labels} ${formatNumber(value)}`);
  };
  family('mtls_cert_not_after_seconds', 'notAfter of the certificate (nextUpdate for a CRL), Unix time in seconds.', rows.map(({ row, labels }) => [labels, Date.parse(row.notAfter) / 1000]));
  family('mtls_cert_not_before_seconds', 'notBefore of the certificate (thisUpdate for a CRL), Unix time in seconds.', rows.map(({ row, labels }) => [labels, Date.parse(row.notBefore) / 1000]));
  family('mtls_cert_expires_in_seconds', 'Seconds from the scan to notAfter (nextUpdate for a CRL); negative once expired.', rows.map(({ row, labels }) => [labels, Math.round((Date.parse(row.notAfter) - now) / 1000)]));
  family('mtls_cert_valid', '1 when the certificate (or CRL) is within its validity at the scan, else 0.', rows.map(({ row, labels }) => [labels, row.status === 'expired' || row.status === 'not-yet-valid' ? 0 : 1]));
  const sunsets = rows.filter(({ row }) => row.clientAuthSunset);
  if (sunsets.length > 0) {
    family(
      'mtls_cert_client_auth_sunset_seconds',
      'Client certificate of a public CA that stops issuing clientAuth certificates: the date it stops, Unix time in seconds (renewal will not carry clientAuth; move mTLS to a private CA).',
      sunsets.map(({ row, labels }) => [`${labels.slice(0, -1)},ca="${escapeLabel(row.clientAuthSunset?.ca ?? '')}"}`, Date.parse(`${row.clientAuthSunset?.date}T00:00:00Z`) / 1000]),
    );
  }
  family('mtls_scan_errors', 'Targets that could not be read in the scan: endpoints unreachable, files skipped.', [
    ['{kind="unreachable"}', report.unreachable.length],
    ['{kind="skipped"}', report.skipped.length],
  ]);
  family('mtls_scan_timestamp_seconds', 'When the scan ran, Unix time in seconds (alert when it gets old: the job stopped).', [['', now / 1000]]);
  return `${out.join('\n')}\n`;
}

/** file= for paths, endpoint= for live endpoints; then what identifies the certificate and where it sits. */
function rowLabels(row: ExpiryRow): string {
  const pairs: [string, string][] = [
    [row.origin === 'file' ? 'file' : 'endpoint', row.source],
    ['presented_by', row.origin],
    ['kind', row.kind],
    ['role', row.role],
    ['position', String(row.position)],
    ['subject', row.subject],
    ['issuer', row.issuerSubject],
    ['serial', row.serialNumber],
  ];
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}`;
}

/** The exposition format's label escapes: backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

import { statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { summarizeCertificate, type CertificateSummary } from '../certificate/summary.js';
import { MtlsError } from '../errors.js';
import { BoundedFileReader, MAX_INPUT_BYTES, MAX_SCANNED_FILE_BYTES, megabytes } from '../fs/read.js';
import { certificatesInBytes, certificatesInPlainBytes, isPkcs12, type FileCertificates } from './read.js';
import { crlRow, expiryRow, uniqueCertificates, type ExpiryCertificate, type ExpiryRow, type Thresholds } from './rows.js';
import { crlsInBytes, type CrlSummary } from '../revocation/crl-summary.js';
import { clientAuthSunsetFor, clientAuthSunsetWarning } from '../public-ca/client-auth-sunset.js';
import { forEachLimited, walkEntries } from './walk.js';
import { describeValue, safeToQuote } from '../load/quote.js';

/** A target of `mtls expiry`, already told apart: a path (file or folder) or a live endpoint. */
export type ExpiryTarget = { kind: 'path'; value: string } | { kind: 'endpoint'; value: string };

/** Reads one endpoint's chain; injected so the core stays free of network code. */
export type ChainReader = (endpoint: string) => Promise<{ ok: true; certificates: Buffer[]; clientCertificateSent?: boolean } | { ok: false; code: string; reason: string }>;

export interface ExpiryScanOptions {
  now: Date;
  thresholds: Thresholds;
  cwd: string;
  /** PKCS#12 password (never reported). */
  password?: string;
  readChain: ChainReader;
  /** Endpoints in flight at once. */
  concurrency: number;
  /** The client certificate chain presented to endpoints (--cert): reported with each endpoint, as origin 'client'. */
  clientCertificates?: Buffer[];
  /** Called as work advances, for a spinner. */
  onProgress?: (progress: ExpiryProgress) => void;
}

export interface ExpiryProgress {
  files: number;
  certificates: number;
  endpoints: number;
}

export interface ExpiryReport {
  now: string;
  warn: string;
  fail: string;
  /** Sorted by notAfter, soonest first; one per certificate per source (a CA in three bundles is three rows). */
  rows: ExpiryRow[];
  /** The same, one per certificate (by fingerprint), with every source it was found in. */
  unique: ExpiryCertificate[];
  /** Files and certificates that could not be read, with the reason (and its diagnosis code, when one applies). */
  skipped: { source: string; reason: string; code?: string }[];
  /** Endpoints that could not be reached. */
  unreachable: { endpoint: string; code: string; reason: string }[];
  /** Things to act on that are not expiry: public-CA client certificates that cannot be renewed as they are. */
  warnings: { source: string; name: string; warning: string }[];
  /** Files in folders that hold no certificate (keys, other files): passed over quietly. */
  ignoredFiles: number;
  /** certificates: rows; uniqueCertificates: distinct certificates (by fingerprint). */
  counts: { files: number; endpoints: number; certificates: number; uniqueCertificates: number; expired: number; failing: number; warning: number };
  /** Nothing is past --fail and every endpoint answered. */
  ok: boolean;
}

export async function scanExpiry(targets: ExpiryTarget[], options: ExpiryScanOptions): Promise<ExpiryReport> {
  const rows: ExpiryRow[] = [];
  const skipped: ExpiryReport['skipped'] = [];
  const unreachable: ExpiryReport['unreachable'] = [];
  const progress: ExpiryProgress = { files: 0, certificates: 0, endpoints: 0 };
  let ignoredFiles = 0;
  const report = () => options.onProgress?.({ ...progress });
  const add = (certificates: CertificateSummary[], source: string, origin: ExpiryRow['origin'] = 'file') => {
    certificates.forEach((cert, i) => {
      const row = expiryRow(cert, source, i, options.now, options.thresholds);
      row.origin = origin;
      if (origin === 'client' && i === 0) row.role = 'client';
      // A clientAuth leaf under a public CA: its issuer, and every issuer above it in the same file or chain.
      const sunset = cert.ca ? null : clientAuthSunsetFor(cert.keyUsage, certificates.slice(i).map((c) => c.issuer));
      if (sunset) row.clientAuthSunset = { ...sunset, warning: clientAuthSunsetWarning(sunset, options.now) };
      rows.push(row);
    });
    progress.certificates += certificates.length;
  };
  const addCrls = (crls: CrlSummary[], source: string) => {
    crls.forEach((crl, i) => {
      if (crl.nextUpdate) rows.push(crlRow({ ...crl, nextUpdate: crl.nextUpdate }, source, i, options.now, options.thresholds));
      else skipped.push({ source, reason: `the CRL of "${crl.issuer.replace(/\n/g, ', ')}" has no nextUpdate, so its staleness cannot be judged` });
    });
  };

  const file = new BoundedFileReader();
  // One file at a time, synchronously: for small local files a trip through the thread pool or
  // the microtask queue costs more than the read. Only PKCS#12 waits, for its reader to load.
  type Found = FileCertificates<CertificateSummary> | { kind: 'crls'; crls: CrlSummary[] };
  // A file named on the command line may be as large as any credential; one met in a folder is
  // held to less, since a scan reads many (a larger one is listed as skipped, never read).
  const readOne = (path: string, label: string, explicit: boolean): Found | Promise<Found> => {
    const bytes = file.read(path, { limit: explicit ? MAX_INPUT_BYTES : MAX_SCANNED_FILE_BYTES, label });
    if (isPkcs12(bytes)) return certificatesInBytes(Buffer.from(bytes), options.password, summarizeCertificate);
    const found = certificatesInPlainBytes(bytes, summarizeCertificate);
    // Not a certificate file: perhaps a CRL, whose nextUpdate is an expiry date too.
    return found.kind === 'ignored' ? (crlsInBytes(bytes) ?? found) : found;
  };
  const record = (found: Found, label: string, explicit: boolean) => {
    progress.files += 1;
    if (found.kind === 'certificates') add(found.certificates, label);
    else if (found.kind === 'crls') addCrls(found.crls, label);
    else if (found.kind === 'skipped') skipped.push({ source: label, reason: found.reason, ...(found.code ? { code: found.code } : {}) });
    else if (explicit) skipped.push({ source: label, reason: 'holds no certificate' });
    else ignoredFiles += 1;
    if (progress.files % 100 === 0) report();
  };

  const paths = targets.filter((t) => t.kind === 'path');
  for (const target of paths) {
    const absolute = resolve(options.cwd, target.value);
    let info: Stats;
    try {
      info = statSync(absolute);
    } catch (caught) {
      const error = caught as NodeJS.ErrnoException;
      // A target that is not there is quoted only when it may be (it may be a key given by mistake).
      const quotable = safeToQuote(target.value);
      throw new MtlsError(error.code === 'ENOENT' ? 'MTLS_FILE_NOT_FOUND' : 'MTLS_FILE_UNREADABLE', `${quotable ? target.value : capitalizeFirst(describeValue(target.value))}: ${error.code === 'ENOENT' ? 'no such file or folder, and not a host:port' : `cannot be read (${error.code})`}.`, quotable ? { details: { path: target.value } } : {});
    }
    if (info.isDirectory()) {
      let walked = 0;
      for (const { path, special } of walkEntries(absolute)) {
        const label = target.value.replace(/\/$/, '') + path.slice(absolute.length);
        if (special !== null) {
          skipped.push({ source: label, reason: `${special}, not a file; not read`, code: 'MTLS_FILE_UNREADABLE' });
          continue;
        }
        try {
          const found = readOne(path, label, false);
          record(found instanceof Promise ? await found : found, label, false);
        } catch (error) {
          // A file that vanished while walking held nothing to report; one we cannot read may hold a
          // certificate about to expire, so it must show up rather than pass for "no certificate".
          if (error instanceof MtlsError && error.code === 'MTLS_FILE_NOT_FOUND') ignoredFiles += 1;
          else skipped.push(unread(label, error, 'in a folder'));
        }
        // Let timers run now and then (a spinner's frames): the loop above never waits.
        if (++walked % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      // A device, FIFO or oversized file named here is listed as skipped, as in a folder; with
      // nothing else to check, that ends in MTLS_EXPIRY_NO_CERTIFICATES naming why.
      let found: Found | Promise<Found> | null = null;
      try {
        found = readOne(absolute, target.value, true);
      } catch (error) {
        skipped.push(unread(target.value, error, 'here'));
      }
      if (found) record(await found, target.value, true);
    }
  }

  await forEachLimited(targets.filter((t) => t.kind === 'endpoint'), options.concurrency, async (target) => {
    const chain = await options.readChain(target.value);
    progress.endpoints += 1;
    const label = endpointLabel(target.value);
    if (chain.ok) {
      const certificates = summarizeChain(chain.certificates);
      if (Array.isArray(certificates)) add(certificates, label, 'server');
      else skipped.push({ source: label, ...certificates });
      if (options.clientCertificates?.length) {
        const client = summarizeChain(options.clientCertificates);
        if (Array.isArray(client)) add(client, label, 'client');
      }
    } else {
      unreachable.push({ endpoint: label, code: chain.code, reason: chain.reason.split(target.value).join(label) });
    }
    report();
  });

  if (rows.length === 0 && unreachable.length === 0) throw nothingFound(targets, skipped);
  // remainingMs orders as notAfter does (both count from the same now).
  // Ties by path in code-point order: the same on every machine and locale (and no ICU start-up).
  rows.sort((a, b) => a.remainingMs - b.remainingMs || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.position - b.position);
  const failing = rows.filter((r) => r.failing).length;
  const unique = uniqueCertificates(rows);
  return {
    now: options.now.toISOString(),
    warn: options.thresholds.warn.text,
    fail: options.thresholds.fail.text,
    rows,
    unique,
    skipped,
    unreachable,
    warnings: rows.flatMap((r) => (r.clientAuthSunset ? [{ source: r.source, name: r.name, warning: r.clientAuthSunset.warning }] : [])),
    ignoredFiles,
    counts: {
      files: progress.files,
      endpoints: targets.length - paths.length,
      certificates: rows.length,
      uniqueCertificates: unique.length,
      expired: rows.filter((r) => r.status === 'expired').length,
      failing,
      warning: rows.filter((r) => r.status === 'warn').length,
    },
    ok: failing === 0 && unreachable.length === 0,
  };
}

/**
 * An endpoint as it may be shown anywhere (rows, metrics labels, CSV): an https:// URL loses its
 * user:password, query and fragment (tokens live there); host:port stays as given.
 */
export function endpointLabel(value: string): string {
  if (!/^https:\/\//i.test(value)) return value;
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}${url.pathname === '/' && !value.replace(/^https:\/\/[^/]*/i, '').startsWith('/') ? '' : url.pathname}`;
  } catch {
    return 'https://(unparseable URL)';
  }
}

/** A gate that checked nothing must not pass: the targets held no certificate at all. */
function nothingFound(targets: ExpiryTarget[], skipped: ExpiryReport['skipped']): MtlsError {
  const given = targets.map((t) => t.value).join(', ');
  const why = skipped.length > 0 ? ` Skipped: ${skipped.map((s) => `${s.source} (${s.reason})`).join('; ')}.` : '';
  return new MtlsError('MTLS_EXPIRY_NO_CERTIFICATES', `No certificate found in ${given}.${why}`, {
    details: { targets: targets.map((t) => t.value), skipped: skipped.map((s) => `${s.source}: ${s.reason}`) },
  });
}

/** Why a file was not read, as a skipped row. */
function unread(label: string, error: unknown, where: 'here' | 'in a folder'): ExpiryReport['skipped'][number] {
  if (!(error instanceof MtlsError)) {
    const { code, message } = error as NodeJS.ErrnoException;
    return { source: label, reason: `cannot be read (${code ?? message})`, code: 'MTLS_FILE_UNREADABLE' };
  }
  const { bytes, limit, type, reason } = error.details;
  if (error.code === 'MTLS_INPUT_TOO_LARGE') {
    const size = typeof bytes === 'number' ? megabytes(bytes) : `more than ${megabytes(Number(limit))}`;
    return { source: label, reason: `${size}, over the ${megabytes(Number(limit))} limit for a file ${where === 'here' ? 'to check' : 'in a folder'}; not read`, code: error.code };
  }
  if (type) return { source: label, reason: `${type}, not a file; not read`, code: error.code };
  return { source: label, reason: `cannot be read (${reason ?? error.message})`, code: error.code };
}

/** A server's chain, or the reason one of its certificates cannot be summarised (a damaged time, say). */
function summarizeChain(ders: Buffer[]): CertificateSummary[] | { reason: string; code: string } {
  const summaries: CertificateSummary[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      summaries.push(summarizeCertificate(der));
    } catch (error) {
      return { reason: `certificate ${i + 1} the server sent cannot be read (${error instanceof Error ? error.message : 'damaged'})`, code: 'MTLS_CERT_CORRUPT' };
    }
  }
  return summaries;
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

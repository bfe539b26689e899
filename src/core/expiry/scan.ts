import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { resolve } from 'node:path';
import { summarizeCertificate, type CertificateSummary } from '../certificate/summary.js';
import { MtlsError } from '../errors.js';
import { certificatesInBytes, certificatesInPlainBytes, isPkcs12, type FileCertificates } from './read.js';
import { expiryRow, type ExpiryRow, type Thresholds } from './rows.js';
import { forEachLimited, walkFiles } from './walk.js';
import { describeValue, safeToQuote } from '../load/quote.js';

/** A target of `mtls expiry`, already told apart: a path (file or folder) or a live endpoint. */
export type ExpiryTarget = { kind: 'path'; value: string } | { kind: 'endpoint'; value: string };

/** Reads one endpoint's chain; injected so the core stays free of network code. */
export type ChainReader = (endpoint: string) => Promise<{ ok: true; certificates: Buffer[] } | { ok: false; code: string; reason: string }>;

export interface ExpiryScanOptions {
  now: Date;
  thresholds: Thresholds;
  cwd: string;
  /** PKCS#12 password (never reported). */
  password?: string;
  readChain: ChainReader;
  /** Endpoints in flight at once. */
  concurrency: number;
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
  /** Sorted by notAfter, soonest first. */
  rows: ExpiryRow[];
  /** Certificate containers that could not be opened, with the reason. */
  skipped: { source: string; reason: string }[];
  /** Endpoints that could not be reached. */
  unreachable: { endpoint: string; code: string; reason: string }[];
  /** Files in folders that hold no certificate (keys, other files): passed over quietly. */
  ignoredFiles: number;
  counts: { files: number; endpoints: number; certificates: number; expired: number; failing: number; warning: number };
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
  const add = (certificates: CertificateSummary[], source: string) => {
    certificates.forEach((cert, i) => rows.push(expiryRow(cert, source, i, options.now, options.thresholds)));
    progress.certificates += certificates.length;
  };

  const file = new FileReader();
  // One file at a time, synchronously: for small local files a trip through the thread pool or
  // the microtask queue costs more than the read. Only PKCS#12 waits, for its reader to load.
  const readOne = (path: string): FileCertificates<CertificateSummary> | Promise<FileCertificates<CertificateSummary>> => {
    const bytes = file.read(path);
    return isPkcs12(bytes) ? certificatesInBytes(Buffer.from(bytes), options.password, summarizeCertificate) : certificatesInPlainBytes(bytes, summarizeCertificate);
  };
  const record = (found: FileCertificates<CertificateSummary>, label: string, explicit: boolean) => {
    progress.files += 1;
    if (found.kind === 'certificates') add(found.certificates, label);
    else if (found.kind === 'skipped') skipped.push({ source: label, reason: found.reason });
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
      for (const path of walkFiles(absolute)) {
        const label = target.value.replace(/\/$/, '') + path.slice(absolute.length);
        try {
          const found = readOne(path);
          record(found instanceof Promise ? await found : found, label, false);
        } catch (error) {
          // A file that vanished while walking held nothing to report; one we cannot read may hold a
          // certificate about to expire, so it must show up rather than pass for "no certificate".
          const { code, message } = error as NodeJS.ErrnoException;
          if (code === 'ENOENT') ignoredFiles += 1;
          else skipped.push({ source: label, reason: `cannot be read (${code ?? message})` });
        }
        // Let timers run now and then (a spinner's frames): the loop above never waits.
        if (++walked % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      record(await readOne(absolute), target.value, true);
    }
  }

  await forEachLimited(targets.filter((t) => t.kind === 'endpoint'), options.concurrency, async (target) => {
    const chain = await options.readChain(target.value);
    progress.endpoints += 1;
    if (chain.ok) {
      add(chain.certificates.map(summarizeCertificate), target.value);
    } else {
      unreachable.push({ endpoint: target.value, code: chain.code, reason: chain.reason });
    }
    report();
  });

  if (rows.length === 0 && unreachable.length === 0) throw nothingFound(targets, skipped);
  // remainingMs orders as notAfter does (both count from the same now).
  // Ties by path in code-point order: the same on every machine and locale (and no ICU start-up).
  rows.sort((a, b) => a.remainingMs - b.remainingMs || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0) || a.position - b.position);
  const failing = rows.filter((r) => r.failing).length;
  return {
    now: options.now.toISOString(),
    warn: options.thresholds.warn.text,
    fail: options.thresholds.fail.text,
    rows,
    skipped,
    unreachable,
    ignoredFiles,
    counts: {
      files: progress.files,
      endpoints: targets.length - paths.length,
      certificates: rows.length,
      expired: rows.filter((r) => r.status === 'expired').length,
      failing,
      warning: rows.filter((r) => r.status === 'warn').length,
    },
    ok: failing === 0 && unreachable.length === 0,
  };
}

/** A gate that checked nothing must not pass: the targets held no certificate at all. */
function nothingFound(targets: ExpiryTarget[], skipped: ExpiryReport['skipped']): MtlsError {
  const given = targets.map((t) => t.value).join(', ');
  const why = skipped.length > 0 ? ` Skipped: ${skipped.map((s) => `${s.source} (${s.reason})`).join('; ')}.` : '';
  return new MtlsError('MTLS_EXPIRY_NO_CERTIFICATES', `No certificate found in ${given}.${why}`, {
    details: { targets: targets.map((t) => t.value), skipped: skipped.map((s) => `${s.source}: ${s.reason}`) },
  });
}

/** Reads whole files into one buffer, reused from file to file (a scan makes no garbage per read). */
class FileReader {
  private buffer = Buffer.allocUnsafe(64 * 1024);

  /** The file's bytes, valid until the next read. */
  read(path: string): Buffer {
    const fd = openSync(path, 'r');
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) this.buffer = Buffer.concat([this.buffer, Buffer.allocUnsafe(this.buffer.length)]);
        const count = readSync(fd, this.buffer, length, this.buffer.length - length, null);
        if (count === 0) return this.buffer.subarray(0, length);
        length += count;
      }
    } finally {
      closeSync(fd);
    }
  }
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { certificatesInBytes } from './read.js';
import { expiryRow, type ExpiryRow, type Thresholds } from './rows.js';
import { forEachLimited, walkFiles } from './walk.js';

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

/**
 * Files in hand at once while walking a folder. Reads are synchronous (for small local files
 * that is faster than a round trip through the thread pool); the limit bounds memory when a
 * PKCS#12 decode or a slow disk makes work overlap the walk.
 */
const FILE_CONCURRENCY = 32;

export async function scanExpiry(targets: ExpiryTarget[], options: ExpiryScanOptions): Promise<ExpiryReport> {
  const rows: ExpiryRow[] = [];
  const skipped: ExpiryReport['skipped'] = [];
  const unreachable: ExpiryReport['unreachable'] = [];
  const progress: ExpiryProgress = { files: 0, certificates: 0, endpoints: 0 };
  let ignoredFiles = 0;
  const report = () => options.onProgress?.({ ...progress });
  const add = (certificates: X509Certificate[], source: string) => {
    certificates.forEach((cert, i) => rows.push(expiryRow(cert, source, i, options.now, options.thresholds)));
    progress.certificates += certificates.length;
  };

  const readOne = async (path: string, label: string, explicit: boolean) => {
    const found = await certificatesInBytes(readFileSync(path), options.password);
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
    const info = await stat(absolute).catch((error: NodeJS.ErrnoException) => {
      throw new MtlsError(error.code === 'ENOENT' ? 'MTLS_FILE_NOT_FOUND' : 'MTLS_FILE_UNREADABLE', `${target.value}: ${error.code === 'ENOENT' ? 'no such file or folder, and not a host:port' : `cannot be read (${error.code})`}.`, { details: { path: target.value } });
    });
    if (info.isDirectory()) {
      await forEachLimited(walkFiles(absolute), FILE_CONCURRENCY, (file) => {
        const label = target.value.replace(/\/$/, '') + file.slice(absolute.length);
        return readOne(file, label, false).catch((error: NodeJS.ErrnoException) => {
          // A file that vanished while walking held nothing to report; one we cannot read may hold a
          // certificate about to expire, so it must show up rather than pass for "no certificate".
          if (error.code === 'ENOENT') ignoredFiles += 1;
          else skipped.push({ source: label, reason: `cannot be read (${error.code ?? error.message})` });
        });
      });
    } else {
      await readOne(absolute, target.value, true);
    }
  }

  await forEachLimited(targets.filter((t) => t.kind === 'endpoint'), options.concurrency, async (target) => {
    const chain = await options.readChain(target.value);
    progress.endpoints += 1;
    if (chain.ok) {
      add(chain.certificates.map((der) => new X509Certificate(der)), target.value);
    } else {
      unreachable.push({ endpoint: target.value, code: chain.code, reason: chain.reason });
    }
    report();
  });

  if (rows.length === 0 && unreachable.length === 0) throw nothingFound(targets, skipped);
  rows.sort((a, b) => Date.parse(a.notAfter) - Date.parse(b.notAfter) || a.source.localeCompare(b.source) || a.position - b.position);
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

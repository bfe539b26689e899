import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MtlsError } from '../errors.js';
import { writeFileAtomic } from '../fs/write.js';
import { REVOCATION_REASON_NAMES, type RevocationReason } from './reasons.js';

/**
 * The revocation index of a CA folder, DIR/revoked.json: what `mtls ca revoke` recorded and the
 * last CRL number `mtls ca crl` used. JSON rather than openssl's index.txt: it is read back by
 * mtls only, and its fields (reason, issuer) need no column escaping.
 */
export interface RevocationIndex {
  version: 1;
  /** The cRLNumber of the last CRL written (0: none yet). CRL numbers only ever grow (RFC 5280 §5.2.3). */
  crlNumber: number;
  entries: RevocationEntry[];
}

export interface RevocationEntry {
  /** Upper-case hex, as Node and openssl print it. */
  serialNumber: string;
  /** Which CA of the folder issued it, so each CA's CRL lists only its own certificates. */
  issuer: 'root' | 'intermediate';
  issuerSubject: string;
  issuerFingerprintSha256: string;
  /** Null when revoked by serial number without the certificate at hand. */
  subject: string | null;
  notAfter: string | null;
  reason: RevocationReason;
  revokedAt: string;
}

export function revocationIndexPath(dir: string): string {
  return join(dir, 'revoked.json');
}

export async function readRevocationIndex(dir: string): Promise<RevocationIndex> {
  const path = revocationIndexPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, crlNumber: 0, entries: [] };
    throw new MtlsError('MTLS_FILE_UNREADABLE', `${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`, { details: { path } });
  }
  const index = parseIndex(text);
  if (!index) {
    throw new MtlsError('MTLS_REVOCATION_INDEX_INVALID', `${path} is not a revocation index written by mtls; it was left untouched.`, {
      details: { path },
      fixes: [`Restore it from a backup, or move it aside and revoke again: \`mv ${path} ${path}.bad\`.`],
    });
  }
  return index;
}

function parseIndex(text: string): RevocationIndex | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const index = value as Partial<RevocationIndex>;
  if (!index || index.version !== 1 || !Number.isSafeInteger(index.crlNumber) || !Array.isArray(index.entries)) return null;
  const valid = index.entries.every(
    (e) => typeof e?.serialNumber === 'string' && (e.issuer === 'root' || e.issuer === 'intermediate') && REVOCATION_REASON_NAMES.includes(e.reason) && !Number.isNaN(Date.parse(e.revokedAt)),
  );
  return valid ? (index as RevocationIndex) : null;
}

export async function writeRevocationIndex(dir: string, index: RevocationIndex): Promise<string> {
  const path = revocationIndexPath(dir);
  await writeFileAtomic(path, `${JSON.stringify(index, null, 2)}\n`, { mode: 0o644, force: true });
  return path;
}

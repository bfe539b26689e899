import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseCertificateQuickly } from '../../core/certificate/facts.js';
import { certificatesInBytes } from '../../core/expiry/read.js';
import { MAX_SCANNED_FILE_BYTES, readFileBounded } from '../../core/fs/read.js';
import type { NearbyCertificate } from './facts.js';

/** A PKI folder, not a disk: the intermediate a user forgot is beside the certificate or nowhere. */
const MAX_FILES = 200;

/**
 * The CA certificates in the folder of the --cert file (not below it), named as the user would
 * type them (the folder as given + the file name), for "send the intermediate" with real paths.
 * Only read when a refusal is being diagnosed; an unreadable file or folder just finds less.
 */
export async function certificatesBeside(typedPath: string, cwd: string): Promise<NearbyCertificate[]> {
  const folder = dirname(typedPath);
  const found: NearbyCertificate[] = [];
  try {
    const entries = (await readdir(resolve(cwd, folder), { withFileTypes: true })).filter((e) => e.isFile() && /\.(crt|pem|cer|cert)$/i.test(e.name)).slice(0, MAX_FILES);
    for (const entry of entries) {
      const typed = folder === '.' ? entry.name : join(folder, entry.name);
      const bytes = await readFileBounded(resolve(cwd, typed), { limit: MAX_SCANNED_FILE_BYTES }).catch(() => null);
      // Node's parser only: request does not load the ASN.1 schema code for a folder scan.
      const read = bytes ? await certificatesInBytes(bytes, undefined, (der) => parseCertificateQuickly(der, typed)).catch(() => null) : null;
      if (read?.kind !== 'certificates') continue;
      // A file of CA certificates only (intermediate.crt) is the one to name, not a bundle that happens to hold it.
      const certificates = read.certificates.filter((c) => c !== null);
      const caOnly = certificates.every((c) => c.facts.isCa);
      for (const certificate of certificates) if (certificate.facts.isCa) found.push({ file: typed, facts: certificate.facts, caOnly });
    }
  } catch {
    // Fewer candidates, never a failure.
  }
  return found;
}

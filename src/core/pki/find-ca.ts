import { X509Certificate } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BoundedFileReader, MAX_SCANNED_FILE_BYTES } from '../fs/read.js';

/** Folders looked at below each starting point: a few PKI folders, never a whole disk. */
const MAX_SUBFOLDERS = 200;

/**
 * CA folders (ca.crt and ca.key, as `mtls ca init` writes them) near the given folders: each
 * folder itself and the folders directly below it, then its parent and the parent's pki/ (not the
 * parent's other folders: for a project in /tmp or $HOME, those are other people's projects). With `issued`, only the CA
 * folders whose root or intermediate signed that certificate (by name and signature): renewing
 * or signing from another CA would hand out a certificate nobody trusts. Used for fixes only
 * (a command to run), never to pick a CA silently. Synchronous: a handful of stat calls.
 */
export function findCaFolders(near: string[], issued?: Buffer): string[] {
  const candidates: string[] = [];
  const add = (dir: string) => {
    if (!candidates.includes(dir)) candidates.push(dir);
  };
  for (const start of near.map((d) => resolve(d))) {
    add(start);
    add(join(start, 'pki'));
    for (const sub of subfolders(start)) add(sub);
  }
  for (const start of near.map((d) => resolve(d))) {
    add(dirname(start));
    add(join(dirname(start), 'pki'));
  }
  const found = candidates.filter(isCaFolder);
  if (!issued) return found;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(issued);
  } catch {
    return found;
  }
  return found.filter((dir) => issuedBy(certificate, dir));
}

/** ca.crt and ca.key (store.ts caPaths; named here to keep the two modules free of a cycle). */
export function isCaFolder(dir: string): boolean {
  return isFile(join(dir, 'ca.crt')) && isFile(join(dir, 'ca.key'));
}

function issuedBy(certificate: X509Certificate, dir: string): boolean {
  const reader = new BoundedFileReader();
  for (const path of [join(dir, 'intermediate.crt'), join(dir, 'ca.crt')]) {
    try {
      const ca = new X509Certificate(Buffer.from(reader.read(path, { limit: MAX_SCANNED_FILE_BYTES })));
      if (certificate.checkIssued(ca) && certificate.verify(ca.publicKey)) return true;
    } catch {
      // absent or unreadable: not this one
    }
  }
  return false;
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .slice(0, MAX_SUBFOLDERS)
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

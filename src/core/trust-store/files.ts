import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write.js';

/** A system path, under --root when one is given. */
export function underRoot(root: string | null, path: string): string {
  return root ? join(root, path) : path;
}

export async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** PEM compared by its base64 body, so line ends and a trailing newline do not matter. */
export function pemBody(pem: string): string {
  return pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
}

export function bundleContains(bundle: string | null, pem: string): boolean {
  return bundle !== null && bundle.replace(/\s+/g, '').includes(pemBody(pem));
}

export async function writeCertificateFile(path: string, pem: string): Promise<void> {
  await writeFileAtomic(path, pem.endsWith('\n') ? pem : `${pem}\n`, { mode: 0o644, force: true });
}

export async function removeFile(path: string): Promise<void> {
  await rm(path, { force: true });
}

export async function ensureFolders(paths: string[]): Promise<void> {
  for (const path of paths) await mkdir(path, { recursive: true });
}

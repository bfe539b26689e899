import { MtlsError } from '../errors.js';
import { isTaken, writeFilesAtomic, type WriteHooks } from '../fs/write.js';

export type OutputKind = 'certificate' | 'private key' | 'certificate request' | 'PKCS#12' | 'previous certificate' | 'previous private key';

export interface PlannedFile {
  path: string;
  kind: OutputKind;
  data: string | Uint8Array;
}

export interface WrittenFile {
  path: string;
  kind: OutputKind;
  /** Octal, e.g. "0600". */
  mode: string;
}

const SECRET_KINDS: OutputKind[] = ['private key', 'PKCS#12', 'previous private key'];

/**
 * Writes a set of files that belong together (a certificate and its key). Every target is checked
 * first, so a refusal leaves nothing half-written: never a new key next to an old certificate, and
 * a target that appears meanwhile makes the run take back what it already put in place.
 * Keys and PKCS#12 files are 0600, the rest 0644; each write is atomic. `hooks` is for tests.
 */
/** existsFix: the command's own way out when a target exists (the same command with --force, another --out). */
export async function writeOutputs(files: PlannedFile[], force: boolean, hooks: WriteHooks & { existsFix?: string } = {}): Promise<WrittenFile[]> {
  if (!force) {
    const taken: string[] = [];
    for (const file of files) if (await isTaken(file.path)) taken.push(file.path);
    if (taken.length > 0) {
      throw new MtlsError('MTLS_FILE_EXISTS', `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written.`, {
        details: { paths: taken },
        fixes: [hooks.existsFix ?? 'Pass --force to replace them, or choose another NAME or --dir.'],
        catalogFixes: false,
      });
    }
  }
  const planned = files.map((file) => ({ ...file, mode: SECRET_KINDS.includes(file.kind) ? 0o600 : 0o644 }));
  await writeFilesAtomic(planned, force, hooks);
  return planned.map((file) => ({ path: file.path, kind: file.kind, mode: `0${file.mode.toString(8)}` }));
}

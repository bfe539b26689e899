import { MtlsError } from '../errors.js';
import { assertWritable, commitFile, discardStaged, exists, stageFile, type StagedFile } from '../fs/write.js';

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
 * first, so a refusal leaves nothing half-written: never a new key next to an old certificate.
 * Keys and PKCS#12 files are 0600, the rest 0644; each write is atomic.
 */
export async function writeOutputs(files: PlannedFile[], force: boolean): Promise<WrittenFile[]> {
  if (!force) {
    const taken: string[] = [];
    for (const file of files) if (await exists(file.path)) taken.push(file.path);
    if (taken.length > 0) {
      throw new MtlsError('MTLS_FILE_EXISTS', `${taken.join(', ')} already exist${taken.length === 1 ? 's' : ''}; nothing was written.`, {
        details: { paths: taken },
        fixes: ['Pass --force to replace them, or choose another NAME or --dir.'],
      });
    }
  }
  for (const file of files) await assertWritable(file.path, force);
  // Stage every file before putting any in place: a full disk or a bad path leaves nothing behind.
  const staged: StagedFile[] = [];
  const written: WrittenFile[] = [];
  try {
    for (const file of files) {
      const mode = SECRET_KINDS.includes(file.kind) ? 0o600 : 0o644;
      staged.push(await stageFile(file.path, file.data, mode));
      written.push({ path: file.path, kind: file.kind, mode: `0${mode.toString(8)}` });
    }
  } catch (error) {
    await discardStaged(staged);
    throw error;
  }
  for (const file of staged) await commitFile(file, force);
  return written;
}

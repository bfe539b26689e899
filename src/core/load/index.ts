/**
 * The one credential loader. Every command that takes a certificate, key, CA or bundle goes
 * through `loadCredential`: path, inline PEM, base64, DER, PKCS#12 or stdin, auto-detected.
 */
import { decodeCredential } from './decode.js';
import { readInput } from './read-input.js';
import type { LoadedSource, LoadOptions } from './types.js';

export async function loadCredential(value: string, options: LoadOptions & { label?: string } = {}): Promise<LoadedSource> {
  const raw = await readInput(value, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.readStdin ? { readStdin: options.readStdin } : {}),
    ...(options.label ? { label: options.label } : {}),
  });
  return decodeCredential(raw, options);
}

export { decodeCredential } from './decode.js';
export { readInput } from './read-input.js';
export { resolveSecret, secretFromEnv } from './secret.js';
export { parsePem, toPem } from './pem.js';
export type * from './types.js';

import { decodeWith } from './formats.js';
import { readInput, type ReadInputOptions } from './read-input.js';
import { FullReadersNeeded, QUICK_READERS } from './readers.js';
import type { LoadedSource, LoadOptions } from './types.js';

/**
 * The one credential loader. Every command that takes a certificate, key, CA or bundle goes
 * through `loadCredential`: path, inline PEM, base64, DER, PKCS#12 or stdin, auto-detected.
 */
export async function loadCredential(value: string, options: LoadOptions & Pick<ReadInputOptions, 'label' | 'secret' | 'inline'> = {}): Promise<LoadedSource> {
  const raw = await readInput(value, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.readStdin ? { readStdin: options.readStdin } : {}),
    ...(options.label ? { label: options.label } : {}),
    ...(options.secret ? { secret: true } : {}),
    ...(options.inline ? { inline: true } : {}),
  });
  // Decoding is pure, so when a block needs the ASN.1 schema readers, decoding again with them
  // gives exactly what decodeCredential gives, errors included.
  try {
    return decodeWith(QUICK_READERS, raw, options);
  } catch (error) {
    if (!(error instanceof FullReadersNeeded)) throw error;
    const { FULL_READERS } = await import('./full-readers.js');
    return decodeWith(FULL_READERS, raw, options);
  }
}

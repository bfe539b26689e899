import { decodeWith } from './formats.js';
import { FULL_READERS } from './full-readers.js';
import type { RawInput } from './read-input.js';
import type { LoadedSource, LoadOptions } from './types.js';

export { derShape } from './formats.js';

/**
 * Decodes bytes (already read) into what they hold. Detects the format unless it is forced.
 * Synchronous, so it loads every reader up front; `loadCredential` loads them only when needed.
 */
export function decodeCredential(raw: RawInput, options: LoadOptions = {}): LoadedSource {
  return decodeWith(FULL_READERS, raw, options);
}

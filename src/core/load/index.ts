/** The credential loader's public surface (see load.ts). */
export { loadCredential } from './load.js';
export { decodeCredential } from './decode.js';
export { readInput } from './read-input.js';
export { resolveSecret, secretFromEnv } from './secret.js';
export { parsePem, toPem } from './pem.js';
export type * from './types.js';

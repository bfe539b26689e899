import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MtlsError } from '../errors.js';
import { MAX_INPUT_BYTES, readFileBounded, tooLarge } from '../fs/read.js';
import { codeOf } from './secret.js';

export { MAX_INPUT_BYTES };

export interface RawInput {
  bytes: Buffer;
  /** For messages: the path as given, 'standard input', 'inline PEM', 'base64 value'. */
  origin: string;
  /** Set when the input string itself was base64 (an env var holding a base64 PEM, say). */
  fromBase64: boolean;
  path?: string;
}

export interface ReadInputOptions {
  cwd?: string;
  readStdin?: () => Promise<Buffer>;
  /** Names the input in messages when it did not come from a path ('MTLS_CERT_PATH', '--cert'). */
  label?: string;
}

/**
 * Turns one credential value into bytes. A value may be `-` (standard input), inline PEM, a
 * path, or base64 of PEM/DER/PKCS#12 (how secrets stores and CI variables usually carry them).
 * A path that exists always wins over reading the value as base64.
 */
export async function readInput(value: string, options: ReadInputOptions = {}): Promise<RawInput> {
  if (value === '-' || STDIN_PATHS.has(value)) {
    if (!options.readStdin) throw new MtlsError('MTLS_CONFLICTING_INPUTS', 'Standard input is not available here.');
    // The reader stops at the limit itself; this guards readers handed in by a library user.
    const bytes = await options.readStdin();
    if (bytes.length > MAX_INPUT_BYTES) throw tooLarge('standard input', bytes.length, MAX_INPUT_BYTES);
    return { bytes, origin: 'standard input', fromBase64: false };
  }
  if (value.includes('-----BEGIN ')) {
    return { bytes: Buffer.from(value, 'utf8'), origin: options.label ? `inline PEM (${options.label})` : 'inline PEM', fromBase64: false };
  }
  if (value.trim() === '') throw new MtlsError('MTLS_INPUT_EMPTY', `${options.label ?? 'The input'} is empty.`);
  const fromFile = await readFileIfPresent(value, options.cwd ?? process.cwd());
  if (fromFile) return fromFile;
  const decoded = decodeBase64Value(value);
  if (decoded) return { bytes: decoded, origin: options.label ? `base64 value (${options.label})` : 'base64 value', fromBase64: true };
  if (!looksLikePath(value)) {
    // A value that is neither a file nor clean base64 may still be a secret (a key with stray
    // quotes from a .env file, say): describe it, never quote it.
    throw new MtlsError(
      'MTLS_NOT_A_CREDENTIAL',
      `The ${value.length}-character value${options.label ? ` from ${options.label}` : ''} is neither an existing file nor base64 of a certificate, key or PKCS#12.`,
      { fixes: ['If it is base64, check for quotes, spaces or a truncated end: `printenv NAME | head -c 20`.', 'If it is a path, check it with `ls -l PATH`.'] },
    );
  }
  throw new MtlsError('MTLS_FILE_NOT_FOUND', `${value}: no such file${options.label ? ` (from ${options.label})` : ''}.`, {
    details: { path: value },
  });
}

/**
 * Paths that name standard input: read as `-` is (with its cap), since as a file they are often
 * a pipe, which a path is never read from.
 */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** Short, on one line, and not one long run of base64: safe to quote back as a path. */
function looksLikePath(value: string): boolean {
  return value.length <= 256 && !/\s{2,}|\n/.test(value) && !/[A-Za-z0-9+/=]{120,}/.test(value);
}

async function readFileIfPresent(value: string, cwd: string): Promise<RawInput | null> {
  if (value.length > 4096 || value.includes('\n')) return null;
  const path = resolve(cwd, value);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
    throw new MtlsError('MTLS_FILE_UNREADABLE', `${value}: cannot be read (${code}).`, { cause: error, details: { path: value } });
  }
  if (info.isDirectory()) {
    throw new MtlsError('MTLS_INPUT_IS_DIRECTORY', `${value} is a folder, not a file.`, { details: { path: value } });
  }
  // Type and size are checked again on the open file, before any byte is read.
  return { bytes: await readFileBounded(path, { limit: MAX_INPUT_BYTES, label: value }), origin: value, fromBase64: false, path };
}

/**
 * Decodes a value that is plausibly base64 of a credential: only base64 characters, long enough
 * to be one, and decoding to PEM text or to a DER SEQUENCE. Anything else is not taken as base64,
 * so a mistyped path is reported as a missing file rather than as garbage.
 */
export function decodeBase64Value(value: string): Buffer | null {
  const compact = value.replace(/\s+/g, '');
  if (compact.length < 64 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) return null;
  const bytes = Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) return null;
  if (bytes[0] === 0x30 || bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN ')) return bytes;
  return null;
}

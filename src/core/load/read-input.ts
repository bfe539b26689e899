import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MtlsError } from '../errors.js';
import { MAX_INPUT_BYTES, readFileBounded, tooLarge } from '../fs/read.js';
import { LITERAL_NEWLINES, describeValue, isKeyShaped, isPathShaped, joinWords, safeToQuote, splitCurlPassword, unwrapEnvShape } from './quote.js';
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
  /** The field carries secrets (a key): a bare word there is never quoted back (quote.ts). */
  secret?: boolean;
  /** The value is contents (the library's Buffers, as base64), never a path. */
  inline?: boolean;
}

/**
 * Turns one credential value into bytes. A value may be `-` (standard input), inline PEM, a
 * path, or base64 of PEM/DER/PKCS#12 (how secrets stores and CI variables usually carry them).
 * A path that exists always wins over reading the value as base64. A value that is none of
 * these is quoted back only when it may be (quote.ts): it may be a key in the wrong shape.
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
    // One line with literal "\n" where the line breaks were: how .env files, CI secret stores and
    // octokit carry a PEM. Read it when that is the only wrapping (the \n cannot belong to a PEM,
    // so nothing is guessed); quotes, NAME= and the rest around it are still refused (quote.ts).
    if (!value.includes('\n') && /-----BEGIN [^\n]*\\n/.test(value)) {
      const { inner, wrappers } = unwrapEnvShape(value);
      if (wrappers.length !== 1 || wrappers[0] !== LITERAL_NEWLINES) throw unusableValue(value, options, () => false);
      return { bytes: Buffer.from(inner, 'utf8'), origin: options.label ? `inline PEM (${options.label})` : 'inline PEM', fromBase64: false };
    }
    return { bytes: Buffer.from(value, 'utf8'), origin: options.label ? `inline PEM (${options.label})` : 'inline PEM', fromBase64: false };
  }
  if (value.trim() === '') throw new MtlsError('MTLS_INPUT_EMPTY', `${options.label ?? 'The input'} is empty.`);
  const cwd = options.cwd ?? process.cwd();
  if (!options.inline) {
    const fromFile = await readFileIfPresent(value, cwd, options);
    if (fromFile) return fromFile;
  }
  const decoded = decodeBase64Value(value);
  if (decoded) return { bytes: decoded, origin: options.label ? `base64 value (${options.label})` : 'base64 value', fromBase64: true };
  throw unusableValue(value, options, options.inline ? () => false : (path) => isFileSync(resolve(cwd, path)));
}

function isFileSync(path: string): boolean {
  try {
    return path.length <= 4096 && statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The error for a value that is no file, no PEM and no base64 of a credential: curl's
 * FILE:PASSWORD, a usable value inside .env quoting, a missing file, or something else. Only
 * the last two may name the value, and only when it may be quoted.
 */
function unusableValue(value: string, options: ReadInputOptions, isFile: (path: string) => boolean): MtlsError {
  const { label } = options;
  const from = label ? ` (from ${label})` : '';
  const curlFile = options.inline ? null : splitCurlPassword(value, isFile);
  if (curlFile !== null) {
    const shown = isFile(curlFile) || safeToQuote(curlFile) ? curlFile : null;
    return new MtlsError(
      'MTLS_CERT_PASSWORD_IN_VALUE',
      `${shown === null ? describeValue(value, label) : `"${shown}:…"${from}`} is curl's FILE:PASSWORD form, which mtls does not take: the password would show in the process list and shell history.`,
      { fixes: [passwordFix(label, shown ?? 'FILE')], ...(shown === null ? {} : { details: { path: shown } }) },
    );
  }
  if (options.inline) {
    return new MtlsError('MTLS_NOT_A_CREDENTIAL', `The ${Buffer.from(value, 'base64').length}-byte Buffer${from} is not PEM, DER or PKCS#12, nor base64 text of one.`);
  }
  const { inner, wrappers } = unwrapEnvShape(value);
  if (wrappers.length > 0) {
    const usable = inner.includes('-----BEGIN ') ? 'PEM text' : decodeBase64Value(inner) ? 'base64 of a certificate, key or PKCS#12' : isFile(inner) ? `the file ${inner}` : null;
    if (usable) {
      const described = `The ${value.length}-character value${label ? ` from ${label}` : ''}`;
      // Literal \n are read once the rest is off: only what must be removed is named.
      const named = wrappers.length > 1 ? wrappers.filter((w) => w !== LITERAL_NEWLINES) : wrappers;
      const summary = wrappers.length === 1 && wrappers[0] === LITERAL_NEWLINES
        ? `${described} is ${usable} with ${LITERAL_NEWLINES}.`
        : `${described} has ${joinWords(named)}; without ${named.length === 1 && named[0] !== 'surrounding quotes' ? 'it' : 'them'}, it would be ${usable}.`;
      return new MtlsError('MTLS_VALUE_WRAPPED', summary, {
        fixes: [wrappedFix(label, wrappers)],
      });
    }
  }
  if (safeToQuote(value, { ...(options.secret ? { secret: true } : {}) })) {
    return new MtlsError('MTLS_FILE_NOT_FOUND', `${value}: no such file${from}.`, { details: { path: value } });
  }
  if (isPathShaped(value) && !isKeyShaped(value)) {
    // A bare word in a key field: most likely a missing file, possibly a passphrase in the wrong place.
    return new MtlsError('MTLS_FILE_NOT_FOUND', `No such file: ${describeValue(value, label)}; it is not PEM or base64 either.`, {
      fixes: ['If it is a path, check it with `ls -l PATH`; relative paths are taken from the current directory.', 'A passphrase goes to --pass (or MTLS_KEY_PASSPHRASE, or the `passphrase` option), never where the key goes.'],
    });
  }
  const variable = label?.startsWith('env:') ? label.slice(4) : null;
  return new MtlsError(
    'MTLS_NOT_A_CREDENTIAL',
    `${capitalize(describeValue(value, label))} is neither an existing file nor base64 of a certificate, key or PKCS#12.`,
    {
      fixes: [
        variable
          ? `If it is base64, check it for quotes, a NAME= prefix, spaces or a cut-off end: \`printenv ${variable} | cut -c1-3\` shows how it starts, \`printenv ${variable} | wc -c\` its length.`
          : 'If it is base64, check it for quotes, a NAME= prefix, spaces or a cut-off end.',
        'If it is a path, check it with `ls -l PATH`.',
      ],
    },
  );
}

/**
 * Paths that name standard input: read as `-` is (with its cap), since as a file they are often
 * a pipe, which a path is never read from.
 */
const STDIN_PATHS = new Set(['/dev/stdin', '/dev/fd/0', '/proc/self/fd/0']);

/** 'surrounding quotes' → 'surrounding quotes'; 'a "KEY=" prefix' → '"KEY=" prefix' (after "its"). */
function bare(wrapper: string): string {
  return wrapper.replace(/^(a|an) /, '');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Where the password goes instead, in the words of where the value came from. */
function passwordFix(label: string | undefined, file: string): string {
  if (label?.startsWith('--')) {
    return `Give the file alone and the password from the environment or a file: \`${label} ${file} --pass env:P12_PASS\` (after \`export P12_PASS=…\`), or \`--pass file:PATH\`.`;
  }
  if (label?.startsWith('env:')) {
    return `Set ${label.slice(4)} to the file alone (\`export ${label.slice(4)}=${file}\`) and put the password in MTLS_KEY_PASSPHRASE.`;
  }
  if (label?.startsWith('config ')) {
    const field = /\.(\w+)$/.exec(label)?.[1] ?? 'cert';
    return `In the config file, give the file alone ("${field}": "${file}") and the password as "passphrase": "{env:P12_PASS}".`;
  }
  const field = /(\w+)(\[\d+\])?$/.exec(label ?? '')?.[1] ?? 'pfx';
  return `Give the file alone and the password separately: \`{ ${field}: '${file}', passphrase: process.env.P12_PASS }\`.`;
}

function wrappedFix(label: string | undefined, wrappers: string[]): string {
  const removable = wrappers.filter((w) => w !== LITERAL_NEWLINES).map(bare);
  const where = label?.startsWith('env:') ? ` from ${label.slice(4)}` : label?.startsWith('config ') ? " from the config file's value" : '';
  const steps = removable.length > 0 ? [`remove the ${joinWords(removable)}${where}`] : ['put real line breaks where the literal \\n are'];
  const only = label?.startsWith('env:') ? 'it must hold only the value (in a .env file: `NAME=value`, no quotes)' : 'give only the value itself';
  // Literal \n alone are read as line breaks: once the rest is removed, the value is read as it is.
  const newlines = removable.length > 0 && removable.length < wrappers.length ? ' The literal \\n may stay: they are read as line breaks.' : '';
  return `${capitalize(joinWords(steps))}; ${only}.${newlines}`;
}

async function readFileIfPresent(value: string, cwd: string, options: ReadInputOptions): Promise<RawInput | null> {
  if (value.length > 4096 || value.includes('\n')) return null;
  const path = resolve(cwd, value);
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ENAMETOOLONG') return null;
    // Not known to exist (EACCES on a folder above it, ELOOP): quoted only when it may be.
    const quotable = safeToQuote(value, { ...(options.secret ? { secret: true } : {}) });
    throw new MtlsError('MTLS_FILE_UNREADABLE', `${quotable ? value : describeValue(value, options.label)}: cannot be read (${code}).`, {
      cause: error,
      ...(quotable ? { details: { path: value } } : {}),
    });
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

/**
 * The one rule for echoing a user's value back in a message. A credential value that could not
 * be used may be a private key with stray quotes from a .env file, a base64 key cut short, or a
 * password: such values are described (length, shape, what they look like), never quoted. A
 * value is quoted only when it is known to be a path (it exists) or it has a path's shape and
 * none of a key's. Pure: the callers that know whether a file exists pass that in.
 */

export interface QuoteOptions {
  /**
   * The field carries secrets (--key, a key or passphrase in config or the library): a bare
   * word there may be a password typed in the wrong place, so only a value with a path's marks
   * (a folder separator, a file extension, `~`) counts as path-shaped.
   */
  secret?: boolean;
}

/** What a value looks like once the wrapping a .env file or a shell line adds is taken off. */
export interface Unwrapped {
  inner: string;
  /** What was taken off, for messages: 'surrounding quotes', 'a "KEY=" prefix', … */
  wrappers: string[];
}

/** How unwrapEnvShape names literal `\n` where a PEM's line breaks were. */
export const LITERAL_NEWLINES = 'literal \\n for its line breaks';

/** An environment variable's name, safe to repeat back: upper case, as .env files spell them. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;

/**
 * Takes off, repeatedly, what a .env line or a shell assignment leaves around a value:
 * whitespace, `export `, `NAME=`, a trailing `;`, quotes, and literal `\n` for line breaks.
 */
export function unwrapEnvShape(value: string): Unwrapped {
  const wrappers = new Set<string>();
  let inner = value;
  for (let round = 0; round < 6; round++) {
    const before = inner;
    if (inner !== inner.trim()) {
      wrappers.add('leading or trailing whitespace');
      inner = inner.trim();
    }
    const exported = /^export\s+/.exec(inner);
    if (exported) {
      wrappers.add('a prefix "export"');
      inner = inner.slice(exported[0].length);
    }
    // NAME= with something after it that is not more '='. One case throughout, as variable names
    // are: base64 mixes cases, so its padding before a ";" is never taken for an assignment.
    const assignment = /^([A-Z_][A-Z0-9_]{0,63}|[a-z_][a-z0-9_]{0,63})=(?=[^=])/.exec(inner);
    if (assignment) {
      const name = assignment[1] ?? '';
      wrappers.add(ENV_NAME.test(name) ? `a prefix "${name}="` : 'a NAME= prefix');
      inner = inner.slice(assignment[0].length);
    }
    if (/;\s*$/.test(inner)) {
      wrappers.add('a trailing ";"');
      inner = inner.replace(/;\s*$/, '');
    }
    const quoted = /^(["'`])([\s\S]*)\1$/.exec(inner);
    if (quoted && inner.length >= 2) {
      wrappers.add('surrounding quotes');
      inner = quoted[2] ?? '';
    } else if (/^["'`]|["'`]$/.test(inner)) {
      wrappers.add('a stray quote');
      inner = inner.replace(/^["'`]+|["'`]+$/g, '');
    }
    if (inner === before) break;
  }
  if (/(\\r)?\\n/.test(inner) && !isWindowsPath(inner)) {
    wrappers.add(LITERAL_NEWLINES);
    inner = inner.replace(/(\\r)?\\n/g, '\n');
  }
  return { inner, wrappers: [...wrappers] };
}

function isWindowsPath(value: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(value) || value.startsWith('\\\\');
}

/** Upper case, lower case or digit: base64 switches between them far more often than words do. */
function charClass(c: string): number {
  if (c >= 'A' && c <= 'Z') return 0;
  if (c >= 'a' && c <= 'z') return 1;
  if (c >= '0' && c <= '9') return 2;
  return 3;
}

/** Share of adjacent characters that change class; null when too short to tell. */
function changeRatio(text: string): { ratio: number; classes: number } {
  let changes = 0;
  const classes = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    classes.add(charClass(text[i] as string));
    if (i > 0 && charClass(text[i] as string) !== charClass(text[i - 1] as string)) changes++;
  }
  return { ratio: text.length > 1 ? changes / (text.length - 1) : 0, classes: classes.size };
}

/**
 * True for a run of base64 alphabet that reads like encoded bytes rather than a folder name.
 * Adjacent characters of random base64 change class (upper, lower, digit) about 64% of the
 * time; words and camelCase names rarely reach 30%. Paths are words between separators, base64
 * has long stretches without one. DER always starts "M" then A–P (a SEQUENCE, byte 0x30),
 * base64 of PEM starts "LS0t" ("---").
 */
function looksEncoded(run: string): boolean {
  if (run.length >= 120) return true;
  const whole = changeRatio(run.replace(/[^A-Za-z0-9]/g, ''));
  if (/^(M[A-P]|LS0t)/.test(run) && run.length >= 32 && whole.classes >= 2 && whole.ratio >= 0.3) return true;
  if (run.length >= 24 && whole.classes === 3 && whole.ratio >= 0.5) return true;
  if (run.length >= 40 && whole.classes >= 2 && whole.ratio >= 0.4) return true;
  // Pieces of DER that every key and certificate carries: INTEGER 0/1 versions, the RSA, EC and
  // EdDSA algorithm identifiers, RSA moduli lengths.
  if (run.length >= 20 && /AgE[ABC]|BgkqhkiG9w0|BgcqhkjOPQ|CCqGSM49|K2V[wuxy]|BgUrgQQA|AoIB|AoIC|BgNV/.test(run)) return true;
  if (run.length < 32) return false;
  return run.split(/[/_-]+/).some((segment) => {
    if (segment.length < 16) return false;
    const { ratio, classes } = changeRatio(segment.replace(/[^A-Za-z0-9]/g, ''));
    return classes >= 2 && ratio >= 0.35;
  });
}

/** PEM markers, or a run of base64 that reads like encoded key bytes or a token. */
export function isKeyShaped(value: string): boolean {
  const check = (text: string) =>
    /-----(BEGIN|END) |PRIVATE KEY/.test(text) || [...text.matchAll(/[A-Za-z0-9+/=_-]{24,}/g)].some((m) => looksEncoded(m[0]));
  if (check(value)) return true;
  // Wrapping (quotes, NAME=, literal \n) can split a run; look again without it.
  const { inner, wrappers } = unwrapEnvShape(value);
  return wrappers.length > 0 && check(inner.replace(/\s+/g, ''));
}

/**
 * The shape of a path someone would type: one line, no quotes, no .env wrapping, no ':' (curl's
 * FILE:PASSWORD form) except a Windows drive. In a secret field it must also carry a path's mark.
 */
export function isPathShaped(value: string, options: QuoteOptions = {}): boolean {
  if (value.length === 0 || value.length > 256) return false;
  // Control characters, and whitespace a typed path does not have.
  if (/[\u0000-\u001f\u007f]/.test(value) || value !== value.trim() || / {2}/.test(value)) return false;
  if (/["'`;]/.test(value) || unwrapEnvShape(value).wrappers.length > 0) return false;
  const colon = value.indexOf(':');
  if (colon >= 0 && !(colon === 1 && isWindowsPath(value) && value.indexOf(':', 2) < 0)) return false;
  if (options.secret && !/[/\\]|\.[A-Za-z0-9]{1,8}$|^~/.test(value)) return false;
  return true;
}

/** May this value, which did not load, be quoted back? Only with a path's shape and no key's. */
export function safeToQuote(value: string, options: QuoteOptions = {}): boolean {
  return isPathShaped(value, options) && !isKeyShaped(value);
}

/** What a value looks like, without any of its characters. */
export function lookOf(value: string): string {
  const { inner, wrappers } = unwrapEnvShape(value);
  const compact = inner.replace(/\s+/g, '');
  let look: string;
  if (/-----BEGIN [A-Z0-9 #]*PRIVATE KEY-----/.test(inner)) look = 'a PEM private key';
  else if (/-----(BEGIN|END) /.test(inner)) look = 'PEM text';
  else if (compact.length >= 16 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(compact)) look = /^M[A-P]/.test(compact) ? 'base64 of a DER key or certificate' : 'base64';
  else if (/[/\\]/.test(inner) || /\.[A-Za-z0-9]{1,8}$/.test(inner)) look = 'a path';
  else if (/^[^\s:]+:[^\s]*$/.test(inner)) look = 'text with a ":"';
  else look = /\s/.test(inner) ? 'text with spaces' : 'a single word';
  return wrappers.length > 0 ? `${look}, with ${joinWords(wrappers)}` : look;
}

/** "the 70-character value from MTLS_KEY_PATH (looks like base64 with surrounding quotes)". */
export function describeValue(value: string, label?: string): string {
  return `the ${value.length}-character value${label ? ` from ${label}` : ''} (looks like ${lookOf(value)})`;
}

/** The value in quotes when it may be quoted, else its description. */
export function quoteOrDescribe(value: string, label: string | undefined, options: QuoteOptions = {}): string {
  return safeToQuote(value, options) ? value : describeValue(value, label);
}

export function joinWords(words: string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/**
 * curl's `--cert FILE:PASSWORD`: the first ':' (after any Windows drive) whose left part names an
 * existing file or ends like a certificate file. Returns the file part only; the rest is a password.
 */
export function splitCurlPassword(value: string, isFile: (path: string) => boolean): string | null {
  const start = isWindowsPath(value) ? 2 : 0;
  for (let at = value.indexOf(':', start); at > 0; at = value.indexOf(':', at + 1)) {
    const file = value.slice(0, at);
    if (/\.(p12|pfx|pem|crt|cer|der|key)$/i.test(file) || isFile(file)) return file;
  }
  return null;
}

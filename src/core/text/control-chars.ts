/**
 * Characters a terminal acts on or that change how the text around them is displayed: C0
 * controls (ESC starts an escape sequence, BEL, CR and LF can forge or overwrite lines), DEL,
 * C1 controls (U+009B is a one-character CSI on some UTF-8 terminals), the line and paragraph
 * separators, and the Unicode bidi embeddings, overrides and isolates that reorder displayed text.
 * Written by hand: no maintained package escapes exactly this set in this visible form.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_ONE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** The visible form of one unsafe character: \n, \r, \t, \x1b, \x9b, \u202e. */
export function escapeControlChar(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A value that came from outside (a certificate, a server, a file name) as it may be shown on a
 * terminal: every control character and bidi override escaped, even a newline or a tab inside
 * the value, so one value stays one line and cannot retitle, clear or forge anything. Idempotent.
 */
export function escapeControls(text: string): string {
  return UNSAFE_ONE.test(text) ? text.replace(UNSAFE, escapeControlChar) : text;
}

/**
 * A copy of a plain result (objects, arrays) with every string in it escaped; Buffers, dates and
 * other class instances are kept as they are. Human renderers apply it once to what they are
 * given, so no field (today's or one added later) reaches the terminal raw.
 */
export function escapeControlsDeep<T>(value: T): T {
  // Nearly every result has nothing to escape: then it is returned as it is, without a copy.
  return hasUnsafe(value, 0) ? (deep(value, 0) as T) : value;
}

function hasUnsafe(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return UNSAFE_ONE.test(value);
  if (value === null || typeof value !== 'object' || depth > 64) return false;
  if (Array.isArray(value)) return value.some((item) => hasUnsafe(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return false;
  for (const key in value) if (hasUnsafe((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

function deep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return escapeControls(value);
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((item) => deep(item, depth + 1));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) copy[key] = deep(item, depth + 1);
  return copy;
}

/** Colour (SGR: ESC [ … m, as chalk writes it), kept by `terminalSafe`; nothing else is. */
const SGR_OR_UNSAFE = /\u001b\[[0-9;]*m|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * The last guard on text mtls composes for a terminal (stdout and stderr notes, errors): line
 * breaks, tabs and colour survive, every other control character is escaped. It cannot tell a
 * value's newline from mtls's own, so renderers escape values first (`escapeControlsDeep`).
 */
export function terminalSafe(text: string): string {
  if (!UNSAFE_ONE.test(text)) return text;
  return text.replace(SGR_OR_UNSAFE, (match) => (match.length > 1 || match === '\n' || match === '\t' ? match : escapeControlChar(match)));
}

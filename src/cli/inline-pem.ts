/**
 * Inline PEM on the command line starts with "-----BEGIN", which commander would read as an
 * option. Such values are swapped for placeholders before parsing and restored afterwards.
 */
const PLACEHOLDER = '\u0000mtls-inline-';

export interface InlineValues {
  argv: string[];
  restore<T>(value: T): T;
}

export function shieldInlinePem(argv: string[]): InlineValues {
  const saved: string[] = [];
  const shielded = argv.map((arg) => {
    if (!arg.startsWith('-----BEGIN ')) return arg;
    saved.push(arg);
    return `${PLACEHOLDER}${saved.length - 1}`;
  });
  const restoreOne = (value: string): string =>
    value.startsWith(PLACEHOLDER) ? (saved[Number(value.slice(PLACEHOLDER.length))] ?? value) : value;
  const restore = <T>(value: T): T => {
    if (typeof value === 'string') return restoreOne(value) as T;
    if (Array.isArray(value)) return value.map((v) => restore(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restore(v)])) as T;
    }
    return value;
  };
  return { argv: shielded, restore };
}

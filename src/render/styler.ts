import type { ChalkInstance } from 'chalk';

export interface ColorInputs {
  /** false when --no-color was given. */
  flag: boolean | undefined;
  env: Record<string, string | undefined>;
  isTTY: boolean | undefined;
}

/**
 * The one colour decision. Order: --no-color, then NO_COLOR (any non-empty value, per
 * no-color.org; chalk itself ignores it), then FORCE_COLOR ('0' or 'false' means off), then
 * whether the stream is a terminal. TERM=dumb counts as no terminal.
 */
export function colorEnabled({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force === 'false');
  if (env.TERM === 'dumb') return false;
  return isTTY === true;
}

/** As a chalk style joins what it is given. */
const joinTexts = (...texts: unknown[]): string => (texts.length === 1 ? '' + texts[0] : texts.join(' '));

/**
 * What chalk does at level 0, without loading chalk (about 6 ms at start-up, with node:tty and
 * node:os): every style and chain of styles (red, red.bold, …) returns the text as given.
 */
export const PLAIN_STYLER = new Proxy(joinTexts, {
  get: (target, property) => {
    if (property === 'level') return 0;
    // Not a thenable, and the function's own members stay what they are.
    if (typeof property !== 'string' || property === 'then' || property in target) return Reflect.get(target, property);
    return PLAIN_STYLER;
  },
}) as unknown as ChalkInstance;

/** The styler for one stream: chalk when colour is on, else PLAIN_STYLER. */
export async function loadStyler(enabled: boolean): Promise<ChalkInstance> {
  if (!enabled) return PLAIN_STYLER;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}

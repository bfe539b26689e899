import { Chalk, type ChalkInstance } from 'chalk';

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

export function createStyler(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

import { Chalk, type ChalkInstance } from 'chalk';

export { colorEnabled, type ColorInputs } from './styler.js';

/** A styler, synchronously: it loads chalk, so the CLI's start-up path uses styler.ts's loadStyler. */
export function createStyler(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}

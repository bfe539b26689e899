import type { Command } from 'commander';
import type { Io } from './io.js';
import { createContext, type Context, type GlobalFlags } from './context.js';

/** Outcome of a run, filled in by the action that ran. */
export interface RunState {
  exitCode: number;
  json: boolean;
}

/**
 * A command implementation: positional arguments and flags in, exit code out. It renders its
 * own result through the context; failures that stop it are thrown as MtlsError.
 */
export type CommandAction<Options = Record<string, unknown>> = (
  args: string[],
  options: Options,
  ctx: Context,
) => Promise<number>;

export interface Runner {
  io: Io;
  state: RunState;
  /** Puts back values that were shielded from commander (inline PEM). */
  restore: <T>(value: T) => T;
}

/**
 * Wraps a lazily imported command module as a commander action, so `--help` and `--version`
 * load nothing but commander: the module is imported only when its command runs.
 */
export function lazyAction<Options>(
  runner: Runner,
  load: () => Promise<{ default: CommandAction<Options> }>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const options = runner.restore(command.optsWithGlobals()) as Options & GlobalFlags;
    const positional = runner.restore(
      args.slice(0, -2).flatMap((a) => (Array.isArray(a) ? a.map(String) : a === undefined ? [] : [String(a)])),
    );
    runner.state.json = options.json === true;
    const ctx = await createContext(runner.io, options);
    const { default: action } = await load();
    runner.state.exitCode = await action(positional, options, ctx);
  };
}

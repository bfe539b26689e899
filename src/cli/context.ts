import type { ChalkInstance } from 'chalk';
import type { Io } from './io.js';
import { colorEnabled, loadStyler } from '../render/styler.js';
import { startSpinner, type Spinner } from '../render/spinner.js';
import { terminalSafe } from '../core/text/control-chars.js';

/** What every command gets: the terminal, the output decisions, and small output helpers. */
export interface Context {
  io: Io;
  json: boolean;
  /** Styler for stdout / stderr; colourless when that stream gets no colour. */
  out: ChalkInstance;
  err: ChalkInstance;
  /** Result text, to stdout (not a response body: that is written as received). */
  print(text: string): void;
  /** Progress and notes, to stderr. Suppressed nowhere: stderr is for people. */
  note(text: string): void;
  warn(text: string): void;
  spinner(text: string): Promise<Spinner>;
}

export interface GlobalFlags {
  color?: boolean;
  json?: boolean;
}

export async function createContext(io: Io, flags: GlobalFlags): Promise<Context> {
  const json = flags.json === true;
  const out = await loadStyler(colorEnabled({ flag: flags.color, env: io.env, isTTY: io.stdout.isTTY }));
  const err = await loadStyler(colorEnabled({ flag: flags.color, env: io.env, isTTY: io.stderr.isTTY }));
  return {
    io,
    json,
    out,
    err,
    // The last guard: renderers escape what came from outside; this catches a value one missed.
    print: (text) => io.stdout.write(terminalSafe(text.endsWith('\n') ? text : `${text}\n`)),
    note: (text) => io.stderr.write(`${terminalSafe(text)}\n`),
    warn: (text) => io.stderr.write(`${err.yellow('warning:')} ${terminalSafe(text)}\n`),
    spinner: (text) =>
      startSpinner(
        { stderrIsTTY: io.stderr.isTTY === true, columns: (io.stderr as { columns?: number }).columns, json, env: io.env },
        io.stderr as unknown as NodeJS.WritableStream,
        text,
      ),
  };
}

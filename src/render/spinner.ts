/**
 * Spinners only where a person watches: an interactive stderr, not --json, not CI. ora is
 * imported only when a spinner will really be shown, so --help and piped runs never load it.
 */
export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export interface SpinnerGate {
  stderrIsTTY: boolean;
  /** The terminal's width. Some pseudo-terminals report 0, and ora then clears lines without end. */
  columns?: number | undefined;
  json: boolean;
  env: Record<string, string | undefined>;
}

export function spinnersAllowed({ stderrIsTTY, columns, json, env }: SpinnerGate): boolean {
  if (!stderrIsTTY || json || !(columns !== undefined && columns > 0)) return false;
  if (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') return false;
  return env.TERM !== 'dumb';
}

const silent: Spinner = { update() {}, succeed() {}, fail() {}, stop() {} };

export async function startSpinner(
  gate: SpinnerGate,
  stream: NodeJS.WritableStream | undefined,
  text: string,
): Promise<Spinner> {
  if (!spinnersAllowed(gate) || !stream) return silent;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream, discardStdin: false }).start();
  return {
    update: (next) => {
      spinner.text = next;
    },
    succeed: (done) => {
      spinner.succeed(done);
    },
    fail: (done) => {
      spinner.fail(done);
    },
    stop: () => {
      spinner.stop();
    },
  };
}

import { run } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/io.js';
import { ROOT } from './cli.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with a recording terminal (not a TTY, so no colour). */
export async function runInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; stdin?: string | Buffer; cwd?: string } = {},
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    readStdin: async () => Buffer.from(options.stdin ?? ''),
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

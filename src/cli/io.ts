/**
 * The terminal a command runs in, handed in rather than taken from `process`, so the whole CLI
 * runs in-process in tests with recorded output (certigo's pattern).
 */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface Io {
  stdout: OutputStream;
  stderr: OutputStream;
  /** Read all of standard input; called at most once per run. */
  readStdin: () => Promise<Buffer>;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Where SIGINT/SIGTERM handling is wired; long-running commands (serve) wait on it. */
  onSignal?: (signal: 'SIGINT' | 'SIGTERM' | 'SIGHUP', handler: () => void) => () => void;
}

export function processIo(): Io {
  // `mtls … | head` closes the pipe early: that is the reader's choice, not an error to report.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    // Capped: `mtls inspect - < /dev/zero` stops at the limit rather than buffering forever.
    readStdin: async () => {
      const { MAX_INPUT_BYTES, readStreamBounded } = await import('../core/fs/read.js');
      return readStreamBounded(process.stdin, MAX_INPUT_BYTES);
    },
    env: process.env,
    cwd: process.cwd(),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

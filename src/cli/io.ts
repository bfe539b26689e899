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
  /**
   * Asks for a secret on the terminal without echo (src/cli/prompt.ts decides when); null when
   * nothing was typed (Ctrl-D). Present only when stdin and stderr are a TTY.
   */
  promptSecret?: (question: string) => Promise<string | null>;
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
    ...(process.stdin.isTTY && process.stderr.isTTY ? { promptSecret: promptOnTerminal } : {}),
    onSignal: (signal, handler) => {
      process.on(signal, handler);
      return () => process.off(signal, handler);
    },
  };
}

/**
 * Reads one line from the terminal in raw mode, so nothing typed is echoed. Enter ends it,
 * Backspace and Ctrl-U edit it, Ctrl-D on an empty line gives nothing, Ctrl-C restores the
 * terminal and ends the process as the shell expects (exit 130). The question goes to stderr.
 */
function promptOnTerminal(question: string): Promise<string | null> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = (result: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(result);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(value);
        if (ch === '\u0003') {
          finish(null);
          process.exit(130);
        }
        if (ch === '\u0004') {
          if (value === '') return finish(null);
          continue;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Exec } from './types.js';

/** Runs without a shell (no quoting surprises), with a generous timeout: a locked NSS db may wait. */
export const execProgram: Exec = (argv, options = {}) =>
  new Promise((resolve) => {
    const [program, ...args] = argv as [string, ...string[]];
    const child = execFile(program, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      // A non-zero exit puts the exit status in error.code; a program that cannot start puts a string there.
      const status = (error as { code?: unknown } | null)?.code;
      const code = !error ? 0 : typeof status === 'number' ? status : 127;
      resolve({ code, stdout: String(stdout ?? ''), stderr: String(stderr ?? '') || (error?.message ?? '') });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });

/** `which`, over PATH plus the sbin folders that a non-login root shell may lack (update-ca-certificates lives there). */
export function whichIn(pathVariable: string | undefined): (name: string) => string | null {
  const folders = [...(pathVariable ?? '').split(delimiter).filter(Boolean), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return (name) => {
    for (const folder of folders) {
      const candidate = join(folder, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
    return null;
  };
}

import { realpathSync, statSync } from 'node:fs';
import { delimiter, join, relative, isAbsolute } from 'node:path';
import { shellArg } from './shell-word.js';

export interface Invocation {
  /** How to type mtls here: `mtls` when that is on PATH (and is this program), else `node bin/mtls.js`. */
  command: string;
  onPath: boolean;
}

/**
 * After `npm start` in a clone, `mtls` is not on PATH (npm puts only dependencies' bins there,
 * and only while a script runs), so commands to copy are printed as `node bin/mtls.js …`, the
 * path relative to the working directory when it is inside it.
 */
export function invocation(env: Record<string, string | undefined>, cwd: string, script = process.argv[1]): Invocation {
  if (!script || !/(^|[/\\])mtls(\.js)?$/.test(script)) return { command: 'mtls', onPath: true };
  const self = real(script);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'mtls');
    if (isFile(candidate) && real(candidate) === self) return { command: 'mtls', onPath: true };
  }
  const rel = relative(cwd, self ?? script);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : (self ?? script);
  return { command: `node ${shellArg(shown)}`, onPath: false };
}

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

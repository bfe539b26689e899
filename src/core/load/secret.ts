import { resolve } from 'node:path';
import { MtlsError } from '../errors.js';
import { MAX_INPUT_BYTES, readFileBounded } from '../fs/read.js';
import type { Secret } from './types.js';

export interface SecretContext {
  env: Record<string, string | undefined>;
  cwd: string;
  readStdin: () => Promise<Buffer>;
  /** The flag the spec came from, for messages and fixes (default --pass): --p12-pass, --key-pass. */
  flag?: string;
}

/**
 * Resolves a --pass SPEC: `env:NAME`, `file:PATH`, `stdin`, or a literal (also openssl's
 * `pass:VALUE`). Files and stdin give their first line, as openssl's -passin does, so a
 * trailing newline is never part of the passphrase. `literal` is true when the caller should
 * warn that the value was visible in the process list.
 */
export async function resolveSecret(spec: string, ctx: SecretContext): Promise<Secret & { literal: boolean }> {
  const flag = ctx.flag ?? '--pass';
  if (spec.startsWith('env:')) {
    const name = spec.slice(4);
    const value = ctx.env[name];
    if (value === undefined) {
      const near = similarEnvNames(name, ctx.env);
      const meant = near[0];
      throw new MtlsError('MTLS_PASSPHRASE_SOURCE', `${flag} env:${name}: the environment variable ${name} is not set${meant ? `; did you mean env:${meant}?` : '.'}`, {
        causes: [],
        fixes: [
          ...near.map((other) => `\`${flag} env:${other}\`: ${other} is set.`),
          `Set it first: \`export ${name}=…\` (or read it from a file with \`${flag} file:PATH\`).`,
        ],
        catalogFixes: false,
      });
    }
    return { origin: `env:${name}`, value, literal: false };
  }
  if (spec.startsWith('file:')) {
    const path = resolve(ctx.cwd, spec.slice(5));
    let text: string;
    try {
      // Capped, and a device refused; a pipe is read (`--pass file:<(vault read …)`).
      text = (await readFileBounded(path, { limit: MAX_INPUT_BYTES, allowPipe: true, label: `${flag} file:${spec.slice(5)}` })).toString('utf8');
    } catch (error) {
      const message = error instanceof MtlsError ? error.message : `${flag} file:${spec.slice(5)}: the file cannot be read (${codeOf(error)}).`;
      throw new MtlsError('MTLS_PASSPHRASE_SOURCE', message, { causes: [], cause: error });
    }
    return { origin: `file:${spec.slice(5)}`, value: firstLine(text), literal: false };
  }
  if (spec === 'stdin') {
    const bytes = await ctx.readStdin();
    return { origin: 'stdin', value: firstLine(bytes.toString('utf8')), literal: false };
  }
  if (spec.startsWith('pass:')) return { origin: 'literal', value: spec.slice(5), literal: true };
  return { origin: 'literal', value: spec, literal: true };
}

/**
 * The passphrase from the environment, prefixed variable first. `--env-prefix APP` and `APP_`
 * mean the same. An empty variable counts as unset, as it does for MTLS_CERT_PATH and the rest.
 */
export function secretFromEnv(env: Record<string, string | undefined>, prefix?: string): Secret | undefined {
  const names = [...(prefix ? [`${normalizeEnvPrefix(prefix)}_KEY_PASSPHRASE`] : []), 'MTLS_KEY_PASSPHRASE'];
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { origin: `env:${name}`, value };
  }
  return undefined;
}

export function normalizeEnvPrefix(prefix: string): string {
  return prefix.replace(/_+$/, '');
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

export function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException)?.code ?? 'error';
}

/**
 * Variables that are set and differ from NAME only by case, underscores or one character
 * (P12PASS for P12_PASS). Only names are compared and returned: a value is never read here.
 */
export function similarEnvNames(name: string, env: Record<string, string | undefined>): string[] {
  const squash = (n: string) => n.toUpperCase().replace(/[_-]/g, '');
  const wanted = squash(name);
  const set = Object.keys(env).filter((other) => other !== name && env[other] !== undefined);
  const same = set.filter((other) => squash(other) === wanted);
  if (same.length > 0 || wanted.length < 5) return same.slice(0, 3);
  return set.filter((other) => Math.abs(other.length - name.length) <= 1 && editDistanceAtMostOne(squash(other), wanted)).slice(0, 3);
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1);
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

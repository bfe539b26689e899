import { resolve } from 'node:path';
import { MtlsError } from '../errors.js';
import { MAX_INPUT_BYTES, readFileBounded } from '../fs/read.js';
import type { Secret } from './types.js';

export interface SecretContext {
  env: Record<string, string | undefined>;
  cwd: string;
  readStdin: () => Promise<Buffer>;
}

/**
 * Resolves a --pass SPEC: `env:NAME`, `file:PATH`, `stdin`, or a literal (also openssl's
 * `pass:VALUE`). Files and stdin give their first line, as openssl's -passin does, so a
 * trailing newline is never part of the passphrase. `literal` is true when the caller should
 * warn that the value was visible in the process list.
 */
export async function resolveSecret(spec: string, ctx: SecretContext): Promise<Secret & { literal: boolean }> {
  if (spec.startsWith('env:')) {
    const name = spec.slice(4);
    const value = ctx.env[name];
    if (value === undefined) {
      throw new MtlsError('MTLS_PASSPHRASE_SOURCE', `--pass env:${name}: the environment variable ${name} is not set.`, {
        causes: [],
        fixes: [`Set it first: \`export ${name}=…\` (or read it from a file with --pass file:PATH).`],
      });
    }
    return { origin: `env:${name}`, value, literal: false };
  }
  if (spec.startsWith('file:')) {
    const path = resolve(ctx.cwd, spec.slice(5));
    let text: string;
    try {
      // Capped, and a device refused; a pipe is read (`--pass file:<(vault read …)`).
      text = (await readFileBounded(path, { limit: MAX_INPUT_BYTES, allowPipe: true, label: `--pass file:${spec.slice(5)}` })).toString('utf8');
    } catch (error) {
      const message = error instanceof MtlsError ? error.message : `--pass file:${spec.slice(5)}: the file cannot be read (${codeOf(error)}).`;
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

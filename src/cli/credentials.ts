import type { Context } from './context.js';
import { resolveCredentials, type CredentialFlags, type ResolvedCredentials } from '../config/resolve.js';
import { loadCredentials, type LoadedCredentials } from '../core/load/identity.js';
import { resolveSecret } from '../core/load/secret.js';
import type { Secret } from '../core/load/types.js';
import { MtlsError } from '../core/errors.js';

/**
 * Flags → env → config → loaded credentials, for any command. Warns about a literal
 * passphrase (visible in the process list), and refuses to read stdin twice.
 */
export async function loadCliCredentials(
  flags: CredentialFlags,
  ctx: Context,
  target?: string,
): Promise<LoadedCredentials & { resolved: ResolvedCredentials }> {
  const { io } = ctx;
  const resolved = await resolveCredentials(flags, { env: io.env, cwd: io.cwd }, target);
  const passphrase = await resolvePassphrase(resolved, ctx);
  if (resolved.passSpec?.value === 'stdin' && [resolved.cert, resolved.key, resolved.ca].some((s) => s?.value === '-')) {
    throw new MtlsError('MTLS_CONFLICTING_INPUTS', '--pass stdin and a credential from standard input (-) cannot both be used.');
  }
  const loaded = await loadCredentials({
    ...(resolved.cert ? { cert: resolved.cert } : {}),
    ...(resolved.key ? { key: resolved.key } : {}),
    ...(resolved.ca ? { ca: resolved.ca } : {}),
    ...(resolved.certType ? { certType: resolved.certType } : {}),
    ...(passphrase ? { passphrase } : {}),
    cwd: io.cwd,
    readStdin: onceStdin(ctx),
  });
  return { ...loaded, resolved };
}

export async function resolvePassphrase(resolved: ResolvedCredentials, ctx: Context): Promise<Secret | undefined> {
  if (!resolved.passSpec) return resolved.passphrase;
  const secret = await resolveSecret(resolved.passSpec.value, { env: ctx.io.env, cwd: ctx.io.cwd, readStdin: onceStdin(ctx) });
  if (secret.literal) {
    ctx.warn('the passphrase was given on the command line, where other users can see it (ps, shell history); prefer --pass env:NAME or --pass file:PATH.');
  }
  return { origin: secret.origin, value: secret.value };
}

const stdinClaimed = new WeakSet<object>();

/**
 * Standard input can feed one input per run. A second reader (`--key - --pass stdin`, say) is
 * refused rather than handed the same bytes: a password silently read from a PEM header line
 * would protect nothing.
 */
export function onceStdin(ctx: Context): () => Promise<Buffer> {
  return () => {
    if (stdinClaimed.has(ctx.io)) {
      return Promise.reject(
        new MtlsError('MTLS_CONFLICTING_INPUTS', 'Standard input was asked for twice (by two of -, --pass stdin, -d @-); it can feed only one input.', {
          causes: [],
        }),
      );
    }
    stdinClaimed.add(ctx.io);
    return ctx.io.readStdin();
  };
}

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Context } from './context.js';
import { decodeBase64Value } from '../core/load/read-input.js';
import { looksLikePkcs12 } from '../core/pkcs12/sniff.js';
import { resolveCredentials, type CredentialFlags, type ResolvedCredentials } from '../config/resolve.js';
import { loadCredentials, type LoadedCredentials } from '../core/load/identity.js';
import { resolveSecret } from '../core/load/secret.js';
import type { LoadedSource, Secret } from '../core/load/types.js';
import { MtlsError } from '../core/errors.js';
import { withPassphrasePrompt } from './prompt.js';

/**
 * Flags → env → config → loaded credentials, for any command. Warns about a literal
 * passphrase (visible in the process list), and refuses to read stdin twice.
 */
export async function loadCliCredentials(
  flags: CredentialFlags,
  ctx: Context,
  target?: string,
  /** verbose: -v was given. caUse: what the command does with the CA (default: trusts it), for the config note. */
  options: { verbose?: boolean; caUse?: CaUse; passFlag?: string } = {},
): Promise<LoadedCredentials & { resolved: ResolvedCredentials }> {
  const { io } = ctx;
  const resolved = await resolveCredentials(flags, { env: io.env, cwd: io.cwd }, target);
  noteConfigUse(resolved, ctx, options.verbose === true, options.caUse ?? 'trust');
  const passphrase = await resolvePassphrase(resolved, ctx, options.passFlag);
  if (resolved.passSpec?.value === 'stdin' && [resolved.cert, resolved.key, resolved.ca].some((s) => s?.value === '-')) {
    throw new MtlsError('MTLS_CONFLICTING_INPUTS', '--pass stdin and a credential from standard input (-) cannot both be used.');
  }
  // Standard input is read once: with a credential on it, the retry after a prompt could not read it again.
  const fromStdin = [resolved.cert, resolved.key, resolved.ca].some((s) => s?.value === '-');
  const load = (secret: Secret | undefined) =>
    loadCredentials({
      ...(resolved.cert ? { cert: resolved.cert } : {}),
      ...(resolved.key ? { key: resolved.key } : {}),
      ...(resolved.ca ? { ca: resolved.ca } : {}),
      ...(resolved.certType ? { certType: resolved.certType } : {}),
      ...(secret ? { passphrase: secret } : {}),
      cwd: io.cwd,
      readStdin: onceStdin(ctx),
    });
  const loaded = fromStdin ? await load(passphrase) : await withPassphrasePrompt(ctx, passphrase, load);
  if (loaded.identity) {
    const { keySource, certSource } = loaded.identity;
    const from = keySource === certSource ? resolved.cert?.from : resolved.key?.from;
    if (from) warnIfKeyOnCommandLine(keySource, from, ctx);
  }
  return { ...loaded, resolved };
}

const told = new WeakMap<object, Set<string>>();

/** Some notes are worth one line per run, however many targets or inputs repeat them. */
function once(ctx: Context, topic: string): boolean {
  const seen = told.get(ctx.io) ?? new Set<string>();
  told.set(ctx.io, seen);
  if (seen.has(topic)) return false;
  seen.add(topic);
  return true;
}

/**
 * An inline PEM or base64 key in a flag or argument is in the process list for every local user
 * to read, as a literal --pass is: warn once, with the ways that keep it out.
 */
export function warnIfKeyOnCommandLine(source: LoadedSource, from: string, ctx: Context): void {
  const inline = /^(inline PEM|base64 value)\b/.test(source.origin);
  if (inline && source.keys.length + source.lockedKeys.length > 0) warnKeyOnCommandLine(from, ctx);
}

/**
 * The same warning from a flag's value alone, for commands that hand their values to another
 * loader (serve): PEM with a private key, or base64 of one, that is not the name of a file.
 */
export function warnIfKeyValueOnCommandLine(flag: string, value: string | undefined, ctx: Context, options: { environment?: boolean } = {}): void {
  if (value === undefined || value === '-' || value.length > 1 << 20 || existsSync(resolve(ctx.io.cwd, value))) return;
  const bytes = value.includes('-----BEGIN ') ? Buffer.from(value) : decodeBase64Value(value);
  if (!bytes) return;
  const text = bytes.subarray(0, 1 << 16).toString('latin1');
  const der = !text.includes('-----BEGIN ');
  if (/PRIVATE KEY-----/.test(text) || (der && (flag === '--key' || looksLikePkcs12(bytes)))) warnKeyOnCommandLine(flag, ctx, options.environment !== false);
}

/** `environment`: the command reads MTLS_KEY_PATH (serve does not). */
function warnKeyOnCommandLine(from: string, ctx: Context, environment = true): void {
  if (!from.startsWith('--') && from !== 'an argument') return;
  if (!once(ctx, 'key-on-command-line')) return;
  const stdin = from.startsWith('--') ? `\`${from} -\` with the key on standard input` : 'standard input (`-`)';
  ctx.warn(`the private key itself was given on the command line (${from}), where other users can see it (ps, shell history); prefer ${stdin}, ${environment ? 'a file readable only by you, or MTLS_KEY_PATH' : 'or a file readable only by you'}.`);
}

/**
 * Says what a config file decided. With -v: which file and which fields (never values). Without:
 * one line when ./mtls.config.json, found by being there, replaces the trusted CAs, because that
 * changes what a verification trusts without anything on the command line saying so.
 */
/** 'trust': the CA replaces the system's roots (request, doctor, chain verify); 'bundle': it goes into a file (p12 export); 'none': unused. */
export type CaUse = 'trust' | 'bundle' | 'none';

export function noteConfigUse(resolved: ResolvedCredentials, ctx: Context, verbose: boolean, caUse: CaUse = 'trust'): void {
  if (!resolved.configPath) return;
  const settings = resolved.configSettings ?? [];
  const found = resolved.configImplicit ? ' (found in the current directory; no --config was given)' : '';
  if (verbose) {
    if (once(ctx, `config-verbose ${resolved.configTarget ?? ''}`)) {
      ctx.note(`${ctx.err.dim('*')} ${'config'.padEnd(22)} ${resolved.configPath}${found}: ${settings.length > 0 ? `set ${settings.join(', ')}` : 'sets nothing used here'}`);
    }
    return;
  }
  const ca = settings.find((s) => s.startsWith('ca from '));
  if (resolved.configImplicit && ca && caUse !== 'none' && once(ctx, 'config-ca')) {
    const what = caUse === 'trust' ? "the trusted CAs come from CONFIG, found in the current directory, instead of the system's roots" : 'the CA certificates added to the bundle come from CONFIG, found in the current directory';
    ctx.note(`note: ${what.replace('CONFIG', `${resolved.configPath} (${ca.slice('ca from '.length)}.ca)`)}; pass --cacert to choose others, or --config to name the file.`);
  }
}

/** flag: the flag the spec was given with, when it is not --pass (p12 export's --key-pass). */
export async function resolvePassphrase(resolved: ResolvedCredentials, ctx: Context, flag?: string): Promise<Secret | undefined> {
  if (!resolved.passSpec) return resolved.passphrase;
  const from = flag ?? (resolved.passSpec.from.startsWith('--') ? resolved.passSpec.from : '--pass');
  const secret = await resolveSecret(resolved.passSpec.value, { env: ctx.io.env, cwd: ctx.io.cwd, readStdin: onceStdin(ctx), flag: from });
  if (secret.literal) {
    ctx.warn(`the passphrase was given on the command line, where other users can see it (ps, shell history); prefer ${from} env:NAME or ${from} file:PATH.`);
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

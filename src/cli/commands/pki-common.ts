/** What the PKI commands share: the CA passphrase, key generation with a spinner, and result output. */
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { Context } from '../context.js';
import { resolvePassphrase } from '../credentials.js';
import { MtlsError } from '../../core/errors.js';
import { secretFromEnv } from '../../core/load/secret.js';
import type { Secret } from '../../core/load/types.js';
import { generateKey, type KeyType } from '../../core/pki/keys.js';
import { parseSan, type SanEntry } from '../../core/pki/san.js';
import type { PkiResult } from '../../core/pki/result.js';
import type { ValidityRequest } from '../../core/pki/validity.js';
import { toJsonDocument } from '../../render/json.js';
import { displayPath, renderIssuedAndNext, renderWrittenFiles } from '../../render/pki.js';
import type { CaRetry } from '../../core/pki/store.js';
import { escapeControls } from '../../core/text/control-chars.js';
import { shellArg } from '../shell-word.js';

export interface PkiFlags {
  dir: string;
  force?: boolean;
  json?: boolean;
  pass?: string;
  envPrefix?: string;
}

export interface ValidityFlags {
  days?: number;
  notBefore?: string;
  notAfter?: string;
}

export function caDir(flags: PkiFlags, ctx: Context): string {
  return resolve(ctx.io.cwd, flags.dir);
}

/** The CA key passphrase: --pass SPEC, else PREFIX_KEY_PASSPHRASE / MTLS_KEY_PASSPHRASE. */
export async function caPassphrase(flags: PkiFlags, ctx: Context): Promise<Secret | undefined> {
  const fromEnv = secretFromEnv(ctx.io.env, flags.envPrefix);
  return resolvePassphrase({ ...(flags.pass !== undefined ? { passSpec: { value: flags.pass, from: '--pass' } } : {}), ...(fromEnv ? { passphrase: fromEnv } : {}) }, ctx);
}

/** --encrypt-key needs a non-empty passphrase; an empty one would only look protected. */
export async function newKeyPassphrase(flags: PkiFlags & { encryptKey?: boolean }, ctx: Context, example = 'mtls ca init --encrypt-key --pass env:CA_PASS'): Promise<Secret | undefined> {
  if (!flags.encryptKey) return undefined;
  const secret = await caPassphrase(flags, ctx);
  if (!secret || secret.value === '') {
    throw new MtlsError('MTLS_USAGE', '--encrypt-key needs a passphrase: --pass env:NAME, --pass file:PATH, --pass stdin, or MTLS_KEY_PASSPHRASE.', {
      fixes: [`\`${example}\` after \`export ${/env:(\w+)/.exec(example)?.[1] ?? 'CA_PASS'}=…\`${example.startsWith('mtls ca') ? ' (and the same --pass on every command that signs)' : ''}.`],
    });
  }
  return secret;
}

/** Generates a key; RSA-4096 takes seconds, so a spinner turns meanwhile (on a TTY, not with --json or in CI). */
export async function generateKeyWithProgress(type: KeyType, ctx: Context): Promise<KeyObject> {
  if (type !== 'rsa-4096') return generateKey(type);
  const spinner = await ctx.spinner('generating an RSA-4096 key (this takes a few seconds)…');
  try {
    const key = await generateKey(type);
    spinner.succeed('generated an RSA-4096 key');
    return key;
  } catch (error) {
    spinner.fail();
    throw error;
  }
}

export function parseSans(values: string[] | undefined): SanEntry[] {
  return (values ?? []).map((value) => parseSan(value));
}

export function validityOf(flags: ValidityFlags): ValidityRequest {
  return {
    ...(flags.days !== undefined ? { days: flags.days } : {}),
    ...(flags.notBefore !== undefined ? { notBefore: flags.notBefore } : {}),
    ...(flags.notAfter !== undefined ? { notAfter: flags.notAfter } : {}),
  };
}

export function subjectFlags(flags: { org?: string; ou?: string }): { organization?: string; organizationalUnit?: string } {
  return { ...(flags.org ? { organization: flags.org } : {}), ...(flags.ou ? { organizationalUnit: flags.ou } : {}) };
}

/**
 * The list of files written is the result (stdout); warnings, the certificate summary and the
 * next commands are for the person (stderr). With --json, one document lists it all.
 */
export function reportResult(kind: string, result: PkiResult, next: string[], ctx: Context): number {
  for (const warning of result.warnings) ctx.warn(escapeControls(warning));
  if (ctx.json) {
    ctx.print(toJsonDocument(kind, { ok: true, files: result.files, certificate: result.certificate, warnings: result.warnings, next }));
    return 0;
  }
  ctx.print(renderWrittenFiles(result, ctx.io.cwd, ctx.out));
  ctx.note(renderIssuedAndNext(result, next, ctx.err));
  return 0;
}

/**
 * A --pass SPEC to show in a suggested command: env: and file: specs name where the secret is;
 * anything else (a literal) is the secret itself, so a placeholder stands in for it.
 */
export function passSpecHint(spec: string | undefined, placeholder: string): string {
  return spec?.startsWith('env:') || spec?.startsWith('file:') ? spec : placeholder;
}

/** A command line fragment naming a folder, as the user would type it (none for the default ./pki). */
export function dirArg(dir: string, ctx: Context): string {
  const shown = displayDir(dir, ctx);
  return shown === 'pki' ? '' : ` --dir ${shellArg(shown)}`;
}

export function displayDir(dir: string, ctx: Context): string {
  const base = resolve(ctx.io.cwd);
  return dir === base ? '.' : dir.startsWith(`${base}/`) ? dir.slice(base.length + 1) : dir;
}

export { shellArg };

/** A file path for a suggested command: relative to the working directory when inside it, quoted when needed. */
export function pathArg(path: string, ctx: Context): string {
  return shellArg(displayPath(path, ctx.io.cwd));
}

/**
 * What a PKI command suggests when its --dir holds no CA: itself again, pointed at the CA folders
 * found near the working directory and `near` (with `--dir FOLDER`; without it for ./pki).
 */
export function caRetry(ctx: Context, command: (dirArgument: string) => string, near: string[], create = true): CaRetry {
  const at = (dir: string) => (dir === 'CA_FOLDER' ? ' --dir CA_FOLDER' : dirArg(dir, ctx));
  return { command: (dir) => command(at(dir)), show: (dir) => shellArg(displayDir(dir, ctx)), near: [...near, ctx.io.cwd], create };
}

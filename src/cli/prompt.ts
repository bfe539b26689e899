/**
 * Hidden prompts for a missing secret, as openssl and curl ask on a terminal: only when a person
 * is there (stdin and stderr are a TTY), never with --json or in CI, and never when the secret
 * was given some other way. The question goes to stderr; what is typed is not echoed.
 */
import type { Context } from './context.js';
import { isMtlsError, MtlsError } from '../core/errors.js';
import type { Secret } from '../core/load/types.js';
import { terminalSafe } from '../core/text/control-chars.js';

/** The errors a passphrase typed now would resolve. */
const PROMPTABLE = new Set(['MTLS_KEY_ENCRYPTED_NO_PASSPHRASE', 'MTLS_P12_NO_PASSWORD']);

/** The origin a prompted secret gets in messages ("the passphrase from the terminal prompt"). */
export const PROMPT_ORIGIN = 'the terminal prompt';

export function promptAllowed(ctx: Context): boolean {
  const ci = ctx.io.env.CI;
  return ctx.io.promptSecret !== undefined && !ctx.json && (ci === undefined || ci === '' || ci === 'false' || ci === '0');
}

/** Asks once; null when not allowed here or nothing was typed. */
export async function askSecret(ctx: Context, question: string): Promise<string | null> {
  if (!promptAllowed(ctx) || !ctx.io.promptSecret) return null;
  const value = await ctx.io.promptSecret(terminalSafe(question));
  return value === null || value === '' ? null : value;
}

/**
 * Runs `attempt` with the passphrase given (flag or environment); when none was given and the
 * input turns out to need one, asks for it on the terminal and runs it once more with the answer.
 */
export async function withPassphrasePrompt<T>(ctx: Context, given: Secret | undefined, attempt: (passphrase: Secret | undefined) => Promise<T>): Promise<T> {
  try {
    return await attempt(given);
  } catch (error) {
    if (given || !isMtlsError(error) || !PROMPTABLE.has(error.code) || !promptAllowed(ctx)) throw error;
    const origin = String(error.details.origin ?? 'the private key');
    const question = error.code === 'MTLS_P12_NO_PASSWORD' ? `Enter the PKCS#12 password for ${origin}: ` : `Enter the pass phrase for ${origin}: `;
    const value = await askSecret(ctx, question);
    if (value === null) throw error;
    return attempt({ origin: PROMPT_ORIGIN, value });
  }
}

/** A new password, typed twice (openssl's "Verifying - Enter Export Password"); null when not asked. */
export async function askNewSecret(ctx: Context, what: string): Promise<string | null> {
  const first = await askSecret(ctx, `Enter the ${what}: `);
  if (first === null) return null;
  const again = await askSecret(ctx, `Verifying - enter the ${what} again: `);
  if (again !== first) {
    throw new MtlsError('MTLS_USAGE', `The two ${what}s typed differ; nothing was written.`, { fixes: ['Run the command again and type the same password twice.'], catalogFixes: false });
  }
  return first;
}

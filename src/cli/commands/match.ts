import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { onceStdin, resolvePassphrase, warnIfKeyOnCommandLine } from '../credentials.js';
import { resolveCredentials } from '../../config/resolve.js';
import { loadCredential } from '../../core/load/index.js';
import type { InputFormat, LoadedSource, Secret } from '../../core/load/types.js';
import { withPassphrasePrompt } from '../prompt.js';
import { safeToQuote } from '../../core/load/quote.js';
import { shellArg } from '../shell-word.js';
import { MtlsError } from '../../core/errors.js';
import { certificatesNear, matchKey, type CertificateCandidate } from '../../core/match.js';
import { renderMatch } from '../../render/match.js';
import { toJsonDocument } from '../../render/json.js';

interface MatchOptions {
  pass?: string;
  certType?: InputFormat;
  json?: boolean;
}

const match: CommandAction<MatchOptions> = async (args, options, ctx) => {
  const resolved = await resolveCredentials({ ...(options.pass ? { pass: options.pass } : {}) }, { env: ctx.io.env, cwd: ctx.io.cwd });
  const given = await resolvePassphrase(resolved, ctx);
  // An encrypted key or a PKCS#12 with no passphrase given: asked for on a terminal (prompt.ts).
  const read = async (passphrase: Secret | undefined) => {
    const loaded: LoadedSource[] = [];
    // One after the other: the first argument's problem is the one reported.
    for (const [i, value] of args.entries()) {
      loaded.push(await loadCredential(value, {
        ...(i === 0 && options.certType ? { format: options.certType } : {}),
        ...(passphrase ? { passphrase } : {}),
        cwd: ctx.io.cwd,
        readStdin: onceStdin(ctx),
        role: i === 0 ? 'certificate' : 'private key',
        // The second argument is a key: a bare word there is never quoted back.
        ...(i > 0 ? { secret: true } : {}),
      }));
    }
    return loaded;
  };
  const sources: LoadedSource[] = args.includes('-') ? await read(given) : await withPassphrasePrompt(ctx, given, read);
  for (const source of sources) warnIfKeyOnCommandLine(source, 'an argument', ctx);
  const [first, ...rest] = sources as [LoadedSource, ...LoadedSource[]];
  const cert = first.certificates[0];
  const word = (value: string | undefined) => (value !== undefined && value !== '-' && safeToQuote(value) ? shellArg(value) : null);
  if (!cert) {
    // The two arguments swapped: the command the other way round.
    const swapped = args.length === 2 && first.keys.length > 0 && word(args[1]) && word(args[0]) ? `mtls match ${word(args[1])} ${word(args[0])}` : 'mtls match CERT KEY';
    throw new MtlsError('MTLS_WRONG_CONTENT', `${first.origin} holds no certificate; the first argument must be the certificate.`, { fixes: [`Put the certificate first: \`${swapped}\`.`], catalogFixes: false });
  }
  const keySource = rest.find((s) => s.keys.length > 0) ?? (first.keys.length > 0 ? first : undefined);
  const key = keySource?.keys[0];
  if (!keySource || !key) {
    throw new MtlsError('MTLS_USAGE', `No private key to compare: ${args.length === 1 ? `${first.origin} holds none` : 'none of the files holds one'}.`, {
      fixes: [`\`mtls match ${word(args[0]) ?? 'CERT'} ${siblingKey(args[0], ctx.io.cwd) ?? 'KEY'}\`, or \`mtls match FILE.p12 --pass env:NAME\` for a PKCS#12 file.`],
      catalogFixes: false,
    });
  }

  const others: CertificateCandidate[] = [];
  for (const source of sources) {
    source.certificates.forEach((c, i) => {
      if (source === first && i === 0) return;
      others.push({ name: c.facts.subjectCommonName ?? c.facts.subject, from: source.certificates.length > 1 ? `${source.origin} (certificate ${i + 1})` : source.origin, spkiSha256: c.facts.publicKey.spkiSha256 });
    });
  }
  const certPath = resolve(ctx.io.cwd, args[0] as string);
  if (cert.facts.publicKey.spkiSha256 !== key.facts.spkiSha256 && existsSync(certPath)) {
    const near = (await certificatesNear(certPath)).filter((o) => o.from !== certPath);
    others.push(...near.map((o) => ({ ...o, from: relative(ctx.io.cwd, o.from) })));
  }

  const result = matchKey({ cert, from: first.origin }, { key, from: keySource.origin }, others);
  if (ctx.json) ctx.print(toJsonDocument('match', { ...result, pkcs12: first.pkcs12 !== null && keySource === first }));
  else ctx.print(renderMatch(result, ctx.out));
  return result.matches ? 0 : 1;
};

/** NAME.key next to NAME.crt, when it is there (mtls issue writes them side by side). */
function siblingKey(cert: string | undefined, cwd: string): string | null {
  if (!cert || cert === '-' || !safeToQuote(cert)) return null;
  const key = cert.replace(/\.(crt|pem|cer)$/i, '.key');
  return key !== cert && existsSync(resolve(cwd, key)) ? shellArg(key) : null;
}

export default match;

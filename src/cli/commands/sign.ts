import { basename, dirname, extname, join, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { withPassphrasePrompt } from '../prompt.js';
import { MtlsError } from '../../core/errors.js';
import { signCsr } from '../../core/pki/csr.js';
import { displayPath } from '../../render/pki.js';
import { caDir, caPassphrase, caRetry, dirArg, parseSans, passSpecHint, pathArg, reportResult, shellArg, validityOf, type PkiFlags, type ValidityFlags } from './pki-common.js';

interface SignFlags extends PkiFlags, ValidityFlags {
  server?: boolean;
  client?: boolean;
  out?: string;
  san?: string[];
}

const sign: CommandAction<SignFlags> = async (args, flags, ctx) => {
  const csrPath = args[0] ?? '';
  if (flags.server === flags.client) {
    throw new MtlsError('MTLS_USAGE', 'Say what the certificate is for: --server or --client (exactly one).', {
      fixes: [`\`mtls sign ${csrPath ? shellArg(csrPath) : 'NAME.csr'} --server\` for a server certificate, or \`mtls sign ${csrPath ? shellArg(csrPath) : 'NAME.csr'} --client\` for a client certificate.`],
      catalogFixes: false,
    });
  }
  const profile = flags.server ? 'server' : 'client';
  const dir = caDir(flags, ctx);
  const out = flags.out ? resolve(ctx.io.cwd, flags.out) : defaultOut(resolve(ctx.io.cwd, csrPath));
  const passphrase = await caPassphrase(flags, ctx);
  const result = await withPassphrasePrompt(ctx, passphrase, (passphrase) => signCsr({
    csr: csrPath,
    profile,
    dir,
    out,
    extraSans: parseSans(flags.san),
    validity: validityOf(flags),
    ...(passphrase ? { passphrase } : {}),
    force: flags.force === true,
    now: new Date(),
    cwd: ctx.io.cwd,
    // The same command pointed at a CA found nearby (for sign, --dir is the CA's folder).
    retry: caRetry(ctx, (at) => `mtls sign ${shellArg(csrPath)} --${profile}${at}${again(flags)}`, [dirname(resolve(ctx.io.cwd, csrPath))]),
    existsFix: `Replace it: \`mtls sign ${shellArg(csrPath)} --${profile}${dirArg(dir, ctx)}${again(flags)} --force\`; or write it elsewhere with --out FILE.`,
  }));
  return reportResult(`sign-${profile}`, result, [
    `mtls inspect ${pathArg(out, ctx)}   check what was signed`,
    `peers verify it with ${displayPath(join(dir, 'ca.crt'), ctx.io.cwd)}`,
  ], ctx);
};

/** The flags worth repeating in a suggested retry (a literal --pass is left out: it is the secret). */
function again(flags: SignFlags): string {
  const parts: string[] = [];
  if (flags.out) parts.push(`--out ${shellArg(flags.out)}`);
  for (const san of flags.san ?? []) parts.push(`--san ${shellArg(san)}`);
  if (flags.days !== undefined) parts.push(`--days ${flags.days}`);
  if (flags.notAfter) parts.push(`--not-after ${shellArg(flags.notAfter)}`);
  if (flags.pass !== undefined) parts.push(`--pass ${passSpecHint(flags.pass, 'env:CA_PASS')}`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

/** NAME.csr → NAME.crt next to it. */
function defaultOut(csrPath: string): string {
  return join(dirname(csrPath), `${basename(csrPath, extname(csrPath))}.crt`);
}

export default sign;

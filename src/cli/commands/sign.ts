import { basename, dirname, extname, join, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { MtlsError } from '../../core/errors.js';
import { signCsr } from '../../core/pki/csr.js';
import { displayPath } from '../../render/pki.js';
import { caDir, caPassphrase, parseSans, reportResult, validityOf, type PkiFlags, type ValidityFlags } from './pki-common.js';

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
      fixes: [`\`mtls sign ${csrPath || 'NAME.csr'} --server\` or \`… --client\`.`],
    });
  }
  const profile = flags.server ? 'server' : 'client';
  const dir = caDir(flags, ctx);
  const out = flags.out ? resolve(ctx.io.cwd, flags.out) : defaultOut(resolve(ctx.io.cwd, csrPath));
  const passphrase = await caPassphrase(flags, ctx);
  const result = await signCsr({
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
  });
  return reportResult(`sign-${profile}`, result, [
    `mtls inspect ${displayPath(out, ctx.io.cwd)}   check what was signed`,
    `peers verify it with ${displayPath(join(dir, 'ca.crt'), ctx.io.cwd)}`,
  ], ctx);
};

/** NAME.csr → NAME.crt next to it. */
function defaultOut(csrPath: string): string {
  return join(dirname(csrPath), `${basename(csrPath, extname(csrPath))}.crt`);
}

export default sign;

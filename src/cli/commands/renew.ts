import { dirname, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { withPassphrasePrompt } from '../prompt.js';
import { renewCertificate } from '../../core/pki/renew.js';
import { caPassphrase, displayDir, generateKeyWithProgress, passSpecHint, pathArg, reportResult, shellArg, type PkiFlags } from './pki-common.js';

interface RenewFlags extends Omit<PkiFlags, 'dir'> {
  dir?: string;
  reuseKey?: boolean;
}

const renew: CommandAction<RenewFlags> = async (args, flags, ctx) => {
  const cert = resolve(ctx.io.cwd, args[0] ?? '');
  // The CA that issued it usually sits next to it (mtls issue writes both into DIR).
  const dir = flags.dir ? resolve(ctx.io.cwd, flags.dir) : dirname(cert);
  const passphrase = await caPassphrase({ ...flags, dir }, ctx);
  const extra = `${flags.reuseKey ? ' --reuse-key' : ''}${flags.pass !== undefined ? ` --pass ${passSpecHint(flags.pass, 'env:CA_PASS')}` : ''}`;
  const result = await withPassphrasePrompt(ctx, passphrase, (passphrase) => renewCertificate({
    cert,
    dir,
    reuseKey: flags.reuseKey === true,
    makeKey: (type) => generateKeyWithProgress(type, ctx),
    ...(passphrase ? { passphrase } : {}),
    now: new Date(),
    // Outside the CA folder: the same command with --dir at the CA that issued it (looked for
    // beside the certificate and the working directory); never a new CA, which nothing trusts.
    retry: {
      command: (ca) => `mtls renew ${pathArg(cert, ctx)} --dir ${ca === 'CA_FOLDER' ? ca : shellArg(displayDir(ca, ctx))}${extra}`,
      show: (ca) => shellArg(displayDir(ca, ctx)),
      near: [dirname(cert), ctx.io.cwd],
    },
  }));
  return reportResult('renew', result, [
    `reload the service that uses ${pathArg(cert, ctx)} (e.g. \`nginx -s reload\`); the previous files are kept above`,
  ], ctx);
};

export default renew;

import { dirname, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { renewCertificate } from '../../core/pki/renew.js';
import { displayPath } from '../../render/pki.js';
import { caPassphrase, generateKeyWithProgress, reportResult, type PkiFlags } from './pki-common.js';

interface RenewFlags extends Omit<PkiFlags, 'dir'> {
  dir?: string;
  reuseKey?: boolean;
}

const renew: CommandAction<RenewFlags> = async (args, flags, ctx) => {
  const cert = resolve(ctx.io.cwd, args[0] ?? '');
  // The CA that issued it usually sits next to it (mtls issue writes both into DIR).
  const dir = flags.dir ? resolve(ctx.io.cwd, flags.dir) : dirname(cert);
  const passphrase = await caPassphrase({ ...flags, dir }, ctx);
  const result = await renewCertificate({
    cert,
    dir,
    reuseKey: flags.reuseKey === true,
    makeKey: (type) => generateKeyWithProgress(type, ctx),
    ...(passphrase ? { passphrase } : {}),
    now: new Date(),
  });
  return reportResult('renew', result, [
    `reload the service that uses ${displayPath(cert, ctx.io.cwd)} (e.g. \`nginx -s reload\`); the previous files are kept above`,
  ], ctx);
};

export default renew;

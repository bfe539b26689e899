import { join, resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { createCsr } from '../../core/pki/csr.js';
import { findCaFolders, isCaFolder } from '../../core/pki/find-ca.js';
import { checkName } from '../../core/pki/leaf.js';
import type { KeyType } from '../../core/pki/keys.js';
import { caDir, dirArg, displayDir, generateKeyWithProgress, newKeyPassphrase, parseSans, pathArg, reportResult, shellArg, subjectFlags, type PkiFlags } from './pki-common.js';

interface CsrFlags extends PkiFlags {
  keyType: KeyType;
  san?: string[];
  org?: string;
  ou?: string;
  encryptKey?: boolean;
}

const csr: CommandAction<CsrFlags> = async (args, flags, ctx) => {
  const name = args[0] ?? '';
  checkName(name);
  const dir = caDir(flags, ctx);
  const sans = parseSans(flags.san);
  const encryptWith = await newKeyPassphrase(flags, ctx, `mtls csr ${shellArg(name)} --encrypt-key --pass env:KEY_PASS`);
  const key = await generateKeyWithProgress(flags.keyType, ctx);
  const sanArgs = (flags.san ?? []).map((san) => ` --san ${shellArg(san)}`).join('');
  const existsFix = `Replace them: \`mtls csr ${shellArg(name)}${dirArg(dir, ctx)}${sanArgs} --force\` (the old key is gone then); or choose another NAME or --dir.`;
  const result = await createCsr({ dir, name, key, sans, subject: subjectFlags(flags), force: flags.force === true, ...(encryptWith ? { encryptWith } : {}), existsFix });
  const csrPath = pathArg(join(dir, `${name}.csr`), ctx);
  return reportResult('csr', result, [
    `send ${csrPath} to your CA; keep ${pathArg(join(dir, `${name}.key`), ctx)} here (it never leaves this machine)`,
    signHint(csrPath, dir, ctx),
  ], ctx);
};

/**
 * For `sign`, --dir is the CA's folder, not the CSR's: the CA in the CSR's folder, else ./pki
 * (sign's default), else one found nearby; a placeholder only when there is none.
 */
function signHint(csrPath: string, dir: string, ctx: Context): string {
  const defaultCa = resolve(ctx.io.cwd, 'pki');
  const ca = isCaFolder(dir) ? dir : isCaFolder(defaultCa) ? defaultCa : findCaFolders([dir, ctx.io.cwd])[0];
  if (!ca) return `mtls sign ${csrPath} --server --dir CA_FOLDER   or sign it with a local CA: CA_FOLDER is where \`mtls ca init\` ran (none found near here)`;
  return `mtls sign ${csrPath} --server${dirArg(ca, ctx)}   or sign it with the local CA in ${shellArg(displayDir(ca, ctx))} (--client for a client certificate)`;
}

export default csr;

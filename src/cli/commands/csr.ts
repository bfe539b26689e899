import { join } from 'node:path';
import type { CommandAction } from '../action.js';
import { createCsr } from '../../core/pki/csr.js';
import { checkName } from '../../core/pki/leaf.js';
import type { KeyType } from '../../core/pki/keys.js';
import { displayPath } from '../../render/pki.js';
import { caDir, dirArg, generateKeyWithProgress, parseSans, reportResult, subjectFlags, type PkiFlags } from './pki-common.js';

interface CsrFlags extends PkiFlags {
  keyType: KeyType;
  san?: string[];
  org?: string;
  ou?: string;
}

const csr: CommandAction<CsrFlags> = async (args, flags, ctx) => {
  const name = args[0] ?? '';
  checkName(name);
  const dir = caDir(flags, ctx);
  const sans = parseSans(flags.san);
  const key = await generateKeyWithProgress(flags.keyType, ctx);
  const result = await createCsr({ dir, name, key, sans, subject: subjectFlags(flags), force: flags.force === true });
  const csrPath = displayPath(join(dir, `${name}.csr`), ctx.io.cwd);
  return reportResult('csr', result, [
    `send ${csrPath} to your CA; keep ${displayPath(join(dir, `${name}.key`), ctx.io.cwd)} here (it never leaves this machine)`,
    `mtls sign ${csrPath} --server${dirArg(dir, ctx)}   or sign it with the local CA (--client for a client certificate)`,
  ], ctx);
};

export default csr;

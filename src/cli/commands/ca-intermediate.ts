import type { CommandAction } from '../action.js';
import { withPassphrasePrompt } from '../prompt.js';
import { assertCaAbsent, createIntermediate } from '../../core/pki/ca.js';
import { caDir, caPassphrase, caRetry, dirArg, generateKeyWithProgress, newKeyPassphrase, reportResult, subjectFlags, validityOf } from './pki-common.js';
import { defaultCaName, type CaFlags } from './ca-init.js';

const caIntermediate: CommandAction<CaFlags> = async (_args, flags, ctx) => {
  const dir = caDir(flags, ctx);
  await assertCaAbsent(dir, 'intermediate', flags.force === true);
  const passphrase = await caPassphrase(flags, ctx);
  const encryptWith = await newKeyPassphrase(flags, ctx);
  const key = await generateKeyWithProgress(flags.keyType, ctx);
  const result = await withPassphrasePrompt(ctx, passphrase, (passphrase) => createIntermediate({
    dir,
    key,
    subject: { commonName: flags.cn ?? defaultCaName('intermediate'), ...subjectFlags(flags) },
    validity: validityOf(flags),
    ...(encryptWith ? { encryptWith } : {}),
    ...(passphrase ? { passphrase } : {}),
    force: flags.force === true,
    now: new Date(),
    retry: caRetry(ctx, (at) => `mtls ca intermediate${at}`, []),
  }));
  const at = dirArg(dir, ctx);
  return reportResult('ca-intermediate', result, [
    `mtls issue server localhost${at}   now signed by the intermediate; NAME.crt carries it after the leaf`,
    'peers still trust only ca.crt (the root)',
  ], ctx);
};

export default caIntermediate;

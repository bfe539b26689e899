import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { loadCliCredentials } from '../credentials.js';
import type { CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { exportPkcs12 } from '../../core/pki/p12.js';
import { displayPath } from '../../render/pki.js';
import { passSpecHint, reportResult } from './pki-common.js';
import { p12Password } from './issue.js';

interface P12ExportFlags extends CredentialFlags {
  out: string;
  /** Unlocks an encrypted --key (else MTLS_KEY_PASSPHRASE); --pass is the new file's password. */
  keyPass?: string;
  legacy?: boolean;
  name?: string;
  force?: boolean;
  json?: boolean;
}

const p12Export: CommandAction<P12ExportFlags> = async (_args, flags, ctx) => {
  const { pass, keyPass, ...rest } = flags;
  const p12 = await p12Password({ ...(pass !== undefined ? { p12Pass: pass } : {}), legacy: flags.legacy === true }, ctx, '--pass');
  const loaded = await loadCliCredentials({ ...rest, ...(keyPass !== undefined ? { pass: keyPass } : {}) }, ctx, undefined, { caUse: 'bundle', passFlag: '--key-pass' });
  if (!loaded.identity) {
    throw new MtlsError('MTLS_USAGE', 'Nothing to export: give the certificate and its key with --cert and --key.', {
      fixes: ['`mtls p12 export --cert pki/alice.crt --key pki/alice.key --out alice.p12 --pass env:P12_PASS`'],
    });
  }
  const out = resolve(ctx.io.cwd, flags.out);
  const result = await exportPkcs12({
    certificates: loaded.identity.certificates,
    key: loaded.identity.key.key,
    caCertificates: loaded.ca?.certificates ?? [],
    password: p12.password,
    legacy: p12.legacy,
    out,
    ...(flags.name ? { friendlyName: flags.name } : {}),
    force: flags.force === true,
  });
  const shown = displayPath(out, ctx.io.cwd);
  return reportResult('p12-export', result, [
    `mtls inspect ${shown} --pass ${passSpecHint(pass, 'env:P12_PASS')}   see what is inside`,
    `curl --cert-type P12 --cert ${shown}:PASSWORD https://HOST/`,
  ], ctx);
};

export default p12Export;

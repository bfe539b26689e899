import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { loadCliCredentials } from '../credentials.js';
import type { CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { exportPkcs12 } from '../../core/pki/p12.js';
import { safeToQuote } from '../../core/load/quote.js';
import { passSpecHint, pathArg, reportResult, shellArg } from './pki-common.js';
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
    // Only paths are repeated: an inline PEM or base64 value in --cert/--key may be the key itself.
    existsFix: [flags.cert, flags.key, flags.cacert].every((v) => v === undefined || (v !== '-' && safeToQuote(v)))
      ? `Replace it: \`${exportCommand(flags, pass)} --force\`; or write another file with --out FILE.`
      : 'Replace it with --force, or write another file with --out FILE.',
  });
  const shown = pathArg(out, ctx);
  return reportResult('p12-export', result, [
    `mtls inspect ${shown} --pass ${passSpecHint(pass, 'env:P12_PASS')}   see what is inside`,
    `curl --cert-type P12 --cert ${shown}:PASSWORD https://HOST/`,
  ], ctx);
};

/** The export command as given, for a fix (secrets only as env:/file: specs). */
function exportCommand(flags: P12ExportFlags, pass: string | undefined): string {
  const parts = ['mtls p12 export'];
  if (flags.cert) parts.push(`--cert ${shellArg(flags.cert)}`);
  if (flags.key) parts.push(`--key ${shellArg(flags.key)}`);
  if (flags.cacert) parts.push(`--cacert ${shellArg(flags.cacert)}`);
  parts.push(`--out ${shellArg(flags.out)}`, `--pass ${pass === '' ? "''" : passSpecHint(pass, 'env:P12_PASS')}`);
  if (flags.keyPass !== undefined) parts.push(`--key-pass ${passSpecHint(flags.keyPass, 'env:KEY_PASS')}`);
  if (flags.legacy) parts.push('--legacy');
  return parts.join(' ');
}

export default p12Export;

import { join } from 'node:path';
import type { CommandAction } from '../action.js';
import { askNewSecret, withPassphrasePrompt } from '../prompt.js';
import type { Context } from '../context.js';
import { resolveSecret } from '../../core/load/secret.js';
import { MtlsError } from '../../core/errors.js';
import { issueLeaf, type LeafProfile, type Pkcs12Request } from '../../core/pki/leaf.js';
import type { KeyType } from '../../core/pki/keys.js';
import { onceStdin } from '../credentials.js';
import { caDir, caPassphrase, caRetry, dirArg, generateKeyWithProgress, parseSans, passSpecHint, pathArg, reportResult, shellArg, subjectFlags, validityOf, type PkiFlags, type ValidityFlags } from './pki-common.js';

export interface IssueFlags extends PkiFlags, ValidityFlags {
  keyType: KeyType;
  san?: string[];
  org?: string;
  ou?: string;
  p12?: boolean;
  p12Pass?: string;
  legacy?: boolean;
}

export function issueCommand(profile: LeafProfile): CommandAction<IssueFlags> {
  return async (args, flags, ctx) => {
    const name = args[0] ?? '';
    const dir = caDir(flags, ctx);
    const sans = parseSans(flags.san);
    const passphrase = await caPassphrase(flags, ctx);
    const p12 = flags.p12 ? await p12Password(flags, ctx) : undefined;
    const key = await generateKeyWithProgress(flags.keyType, ctx);
    const result = await withPassphrasePrompt(ctx, passphrase, (passphrase) => issueLeaf({
      dir,
      name,
      profile,
      key,
      sans,
      ...subjectFlags(flags),
      validity: validityOf(flags),
      ...(passphrase ? { passphrase } : {}),
      ...(p12 ? { p12 } : {}),
      force: flags.force === true,
      now: new Date(),
      retry: caRetry(ctx, (at) => `mtls issue ${profile} ${shellArg(name)}${at}${again(flags)}`, []),
      existsFix: `Replace them (certificates already handed out keep working until they expire): \`mtls issue ${profile} ${shellArg(name)}${dirArg(dir, ctx)}${again(flags)} --force\`; or choose another NAME.`,
    }));
    const path = (file: string) => pathArg(join(dir, file), ctx);
    return reportResult(`issue-${profile}`, result, nextSteps(profile, path(`${name}.crt`), path(`${name}.key`), path('ca.crt'), dirArg(dir, ctx)), ctx);
  };
}

/** The PKCS#12 password: --p12-pass is required; an empty one only when given explicitly (--p12-pass ''). */
export async function p12Password(flags: { p12Pass?: string; legacy?: boolean }, ctx: Context, flag = '--p12-pass'): Promise<Pkcs12Request> {
  if (flags.p12Pass === undefined) {
    // On a terminal, asked for twice, as openssl does ("Enter Export Password").
    const typed = await askNewSecret(ctx, 'password for the new PKCS#12 file');
    if (typed !== null) return { password: typed, legacy: flags.legacy === true };
    throw new MtlsError('MTLS_P12_PASSWORD_REQUIRED', `A PKCS#12 file holds the private key; give its password with ${flag}.`, {
      fixes: [`\`${flag} env:P12_PASS\` (after \`export P12_PASS=…\`) or \`${flag} file:PATH\`; \`${flag} ''\` for an empty password, when you mean it.`],
      catalogFixes: false,
    });
  }
  const secret = await resolveSecret(flags.p12Pass, { env: ctx.io.env, cwd: ctx.io.cwd, readStdin: onceStdin(ctx), flag });
  if (secret.value === '') ctx.warn('the PKCS#12 file has an empty password: anyone who can read the file has the private key.');
  else if (secret.literal) ctx.warn(`the password was given on the command line, where other users can see it (ps, shell history); prefer ${flag} env:NAME or ${flag} file:PATH.`);
  return { password: secret.value, legacy: flags.legacy === true };
}

/** The flags worth repeating in a suggested retry (literal secrets are left out: they are the secret). */
function again(flags: IssueFlags): string {
  const parts: string[] = [];
  for (const san of flags.san ?? []) parts.push(`--san ${shellArg(san)}`);
  if (flags.days !== undefined) parts.push(`--days ${flags.days}`);
  if (flags.notAfter) parts.push(`--not-after ${shellArg(flags.notAfter)}`);
  if (flags.pass !== undefined) parts.push(`--pass ${passSpecHint(flags.pass, 'env:CA_PASS')}`);
  if (flags.p12) parts.push(`--p12${flags.p12Pass !== undefined ? ` --p12-pass ${flags.p12Pass === '' ? "''" : passSpecHint(flags.p12Pass, 'env:P12_PASS')}` : ''}`);
  return parts.length > 0 ? ` ${parts.join(' ')}` : '';
}

function nextSteps(profile: LeafProfile, cert: string, key: string, ca: string, at: string): string[] {
  if (profile === 'server') {
    return [
      `mtls serve --cert ${cert} --key ${key} --client-ca ${ca}   an mTLS test server`,
      `nginx: ssl_certificate ${cert}; ssl_certificate_key ${key}; ssl_client_certificate ${ca}; ssl_verify_client on;`,
      `mtls issue client alice${at}   a client certificate for it`,
    ];
  }
  return [
    `mtls request https://HOST:8443/ --cert ${cert} --key ${key} --cacert ${ca}`,
    `curl --cert ${cert} --key ${key} --cacert ${ca} https://HOST:8443/`,
  ];
}

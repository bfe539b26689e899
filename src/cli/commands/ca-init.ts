import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import type { CommandAction } from '../action.js';
import { assertCaAbsent, initCa } from '../../core/pki/ca.js';
import type { KeyType } from '../../core/pki/keys.js';
import { displayPath } from '../../render/pki.js';
import { caDir, dirArg, generateKeyWithProgress, newKeyPassphrase, passSpecHint, reportResult, subjectFlags, validityOf, type PkiFlags, type ValidityFlags } from './pki-common.js';

export interface CaFlags extends PkiFlags, ValidityFlags {
  keyType: KeyType;
  cn?: string;
  org?: string;
  ou?: string;
  encryptKey?: boolean;
}

/**
 * A CA name that says whose it is, as mkcert does, so it is recognisable in a trust store, and
 * ends with a short random tag: a CA made again on the same machine must not share its name
 * with the old one, or every tool that compares names (TLS CertificateRequest lists, issuer
 * matching, people) takes one for the other.
 */
export function defaultCaName(kind: 'root' | 'intermediate'): string {
  let who = hostname();
  try {
    who = `${userInfo().username}@${who}`;
  } catch {
    // no user entry (some containers): the host name alone
  }
  return `mtls ${kind === 'root' ? 'root' : 'intermediate'} CA ${who} ${randomBytes(3).toString('hex')}`;
}

const caInit: CommandAction<CaFlags> = async (_args, flags, ctx) => {
  const dir = caDir(flags, ctx);
  await assertCaAbsent(dir, 'root', flags.force === true);
  const encryptWith = await newKeyPassphrase(flags, ctx);
  const key = await generateKeyWithProgress(flags.keyType, ctx);
  const result = await initCa({
    dir,
    key,
    subject: { commonName: flags.cn ?? defaultCaName('root'), ...subjectFlags(flags) },
    validity: validityOf(flags),
    ...(encryptWith ? { encryptWith } : {}),
    force: flags.force === true,
    now: new Date(),
  });
  const at = dirArg(dir, ctx);
  const pass = encryptWith ? ` --pass ${passSpecHint(flags.pass, 'env:MTLS_KEY_PASSPHRASE')}` : '';
  return reportResult('ca-init', result, [
    `mtls issue server localhost --san 127.0.0.1${at}${pass}   a server certificate`,
    `mtls issue client alice${at}${pass}                      a client certificate`,
    `trust ${displayPath(join(dir, 'ca.crt'), ctx.io.cwd)} on the side that verifies (nginx: ssl_client_certificate; curl: --cacert)`,
  ], ctx);
};

export default caInit;

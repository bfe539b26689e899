import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { onceStdin } from '../credentials.js';
import { MtlsError } from '../../core/errors.js';
import { loadCredential } from '../../core/load/index.js';
import { parseRevocationReason, REVOCATION_REASON_NAMES } from '../../core/revocation/reasons.js';
import { revokeCertificate, type RevokeTarget } from '../../core/revocation/revoke.js';
import { toJsonDocument } from '../../render/json.js';
import { displayPath } from '../../render/pki.js';
import { caDir, dirArg } from './pki-common.js';

interface RevokeFlags {
  dir: string;
  reason?: string;
  json?: boolean;
}

const caRevoke: CommandAction<RevokeFlags> = async ([given], flags, ctx) => {
  const dir = caDir(flags, ctx);
  const reason = parseRevocationReason(flags.reason ?? 'unspecified');
  if (!reason) {
    throw new MtlsError('MTLS_USAGE', `--reason ${flags.reason} is not an RFC 5280 revocation reason.`, { fixes: [`Use one of: ${REVOCATION_REASON_NAMES.join(', ')}.`] });
  }
  const value = given as string;
  // A file (or inline PEM, or stdin) is read as the certificate; anything else must be a hex serial.
  const isCertificate = value === '-' || value.includes('-----BEGIN') || existsSync(resolve(ctx.io.cwd, value));
  let target: RevokeTarget;
  if (isCertificate) {
    const source = await loadCredential(value, { cwd: ctx.io.cwd, readStdin: onceStdin(ctx), decrypt: 'optional', role: 'certificate to revoke' });
    const certificate = source.certificates[0];
    if (!certificate) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} holds no certificate to revoke.`, { fixes: ['See what it holds: `mtls inspect FILE`.'] });
    target = { kind: 'certificate', certificate, origin: source.origin };
  } else {
    target = { kind: 'serial', serialNumber: value };
  }
  const result = await revokeCertificate({ dir, target, reason, now: new Date() });
  const { entry } = result;
  const next = [`mtls ca crl${dirArg(dir, ctx)}   sign the CRL with it (peers see nothing until then)`];
  if (ctx.json) {
    ctx.print(toJsonDocument('ca-revoke', { ok: true, alreadyRevoked: result.alreadyRevoked, entry, index: result.indexPath, next }));
    return 0;
  }
  const who = entry.subject ? `"${entry.subject.replace(/\n/g, ', ')}"` : 'the certificate';
  if (result.alreadyRevoked) {
    ctx.print(`${who} (serial ${entry.serialNumber}) was already revoked on ${entry.revokedAt} (${entry.reason}); nothing changed.`);
  } else {
    ctx.print(`revoked ${who} (serial ${entry.serialNumber}, issued by the ${entry.issuer} CA): ${entry.reason}, ${entry.revokedAt}`);
    ctx.note(`recorded in ${displayPath(result.indexPath ?? '', ctx.io.cwd)}`);
  }
  ctx.note(`\n${ctx.err.bold('Next:')}\n  ${next.join('\n  ')}`);
  return 0;
};

export default caRevoke;

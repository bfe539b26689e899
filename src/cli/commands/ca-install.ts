import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { MtlsError } from '../../core/errors.js';
import { loadCredential } from '../../core/load/index.js';
import { toPem } from '../../core/load/pem.js';
import { caPaths } from '../../core/pki/store.js';
import { applyTrust, execProgram, sha1Hex, STORE_IDS, trustName, whichIn, type StoreId, type TrustMode } from '../../core/trust-store/index.js';
import { toJsonDocument } from '../../render/json.js';
import { renderTrustReport } from '../../render/trust-store.js';
import { caDir } from './pki-common.js';

export interface TrustFlags {
  dir: string;
  dryRun?: boolean;
  root?: string;
  store?: string;
  javaTruststore?: string;
  json?: boolean;
}

/** `ca install` and `ca uninstall`: one action, two modes (the stores are the same, the change reversed). */
export function trustCommand(mode: TrustMode): CommandAction<TrustFlags> {
  return async (_args, flags, ctx) => {
    const dir = caDir(flags, ctx);
    const certPath = caPaths(dir).rootCert;
    await readFile(certPath).catch(() => {
      throw new MtlsError('MTLS_CA_NOT_FOUND', `No CA in ${dir}: ${certPath} is needed.`, { details: { dir }, fixes: [`Create one: \`mtls ca init --dir ${dir}\`.`] });
    });
    const certificate = (await loadCredential(certPath, { role: 'CA certificate' })).certificates[0];
    if (!certificate) throw new MtlsError('MTLS_WRONG_CONTENT', `${certPath} does not hold the CA certificate.`);
    const stores = parseStores(flags.store);
    const rootValue = flags.root ?? ctx.io.env.MTLS_TRUST_ROOT;
    const root = rootValue ? resolve(ctx.io.cwd, rootValue) : null;
    const report = await applyTrust(
      {
        ca: {
          path: certPath,
          pem: toPem('CERTIFICATE', certificate.der),
          subject: certificate.facts.subject,
          name: trustName(certificate.facts.subjectCommonName, certificate.der),
          sha1: sha1Hex(certificate.der),
          serialNumber: certificate.facts.serialNumber,
        },
        mode,
        dryRun: flags.dryRun === true,
        root,
        env: ctx.io.env,
        platform: process.platform,
        exec: execProgram,
        which: whichIn(ctx.io.env.PATH),
        ...(flags.javaTruststore ? { javaTruststore: resolve(ctx.io.cwd, flags.javaTruststore) } : {}),
      },
      stores,
    );
    if (ctx.json) ctx.print(toJsonDocument(`ca-${mode}`, { ...report }));
    else ctx.print(renderTrustReport(report, ctx.out));
    const changed = report.steps.some((s) => s.status === 'installed');
    if (mode === 'install' && changed && !flags.dryRun) {
      ctx.warn(`whoever holds ${caPaths(dir).rootKey} can now make certificates this machine trusts for any site: keep it private, and \`mtls ca uninstall${flags.dir === 'pki' ? '' : ` --dir ${flags.dir}`}\` when done.`);
    }
    if (!report.ok) {
      const failed = report.steps.filter((s) => s.status === 'failed');
      throw new MtlsError('MTLS_TRUST_STORE_FAILED', `${failed.map((s) => s.location).join(', ')}: ${failed.map((s) => s.detail).join('; ')}.`, {
        details: { stores: failed.map((s) => s.location) },
      });
    }
    return 0;
  };
}

function parseStores(value: string | undefined): StoreId[] {
  if (!value) return STORE_IDS;
  const asked = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = asked.filter((s) => !STORE_IDS.includes(s as StoreId));
  if (unknown.length > 0) throw new MtlsError('MTLS_USAGE', `--store ${unknown.join(',')}: not a store; use any of ${STORE_IDS.join(', ')}.`);
  return asked as StoreId[];
}

export default trustCommand('install');

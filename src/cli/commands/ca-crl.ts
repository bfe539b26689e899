import type { CommandAction } from '../action.js';
import { writeCrls } from '../../core/revocation/crl.js';
import { toJsonDocument } from '../../render/json.js';
import { displayPath } from '../../render/pki.js';
import { caDir, caPassphrase, type PkiFlags } from './pki-common.js';

interface CrlFlags extends PkiFlags {
  days: number;
}

const caCrl: CommandAction<CrlFlags> = async (_args, flags, ctx) => {
  const dir = caDir(flags, ctx);
  const passphrase = await caPassphrase(flags, ctx);
  const result = await writeCrls({ dir, days: flags.days, now: new Date(), ...(passphrase ? { passphrase } : {}) });
  const show = (path: string) => displayPath(path, ctx.io.cwd);
  const next = [
    `nginx: ssl_crl ${show(result.pem)};   then \`nginx -s reload\``,
    `mtls serve … --crl ${show(result.pem)} --watch`,
    `mtls expiry ${show(result.pem)} --warn 7d   run \`mtls ca crl\` again before nextUpdate: peers refuse every client once it passes`,
  ];
  if (ctx.json) {
    ctx.print(toJsonDocument('ca-crl', { ok: true, pem: result.pem, crls: result.crls, index: result.indexPath, next }));
    return 0;
  }
  const rows: [string, string][] = [[show(result.pem), `CRL${result.crls.length > 1 ? 's' : ''} (PEM: ${result.crls.map((c) => c.issuer).join(', then ')})`]];
  for (const crl of result.crls) rows.push([show(crl.der), `CRL (DER) of the ${crl.issuer} CA`]);
  const width = Math.max(...rows.map(([path]) => path.length));
  ctx.print(rows.map(([path, what]) => `${ctx.out.bold(path.padEnd(width))}  ${what}`).join('\n'));
  const notes = result.crls.map(
    (crl) => `${ctx.err.green('✔')} CRL #${crl.crlNumber} of "${crl.issuerSubject.replace(/\n/g, ', ')}": ${crl.revoked} revoked, thisUpdate ${crl.thisUpdate}, nextUpdate ${crl.nextUpdate}`,
  );
  ctx.note(`${notes.join('\n')}\n\n${ctx.err.bold('Next:')}\n  ${next.join('\n  ')}`);
  return 0;
};

export default caCrl;

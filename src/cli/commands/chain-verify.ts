import type { CommandAction } from '../action.js';
import { noteConfigUse, onceStdin } from '../credentials.js';
import { resolveCredentials } from '../../config/resolve.js';
import { loadCredential } from '../../core/load/index.js';
import { MtlsError } from '../../core/errors.js';
import { verifyChain } from '../../core/chain/verify.js';
import { systemTrustAnchors, trustAnchorsFrom } from '../../core/chain/trust.js';
import type { Purpose } from '../../core/chain/purpose.js';
import { parseInstant } from '../../core/time/duration.js';
import { renderChainVerification } from '../../render/chain.js';
import { toJsonDocument } from '../../render/json.js';

interface ChainVerifyOptions {
  cacert?: string;
  ca?: string;
  untrusted?: string[];
  purpose: Purpose;
  host?: string;
  at: string;
  json?: boolean;
}

const chainVerify: CommandAction<ChainVerifyOptions> = async ([certSource], options, ctx) => {
  const at = parseInstant(options.at, '--at');
  const load = (value: string, role: string) => loadCredential(value, { cwd: ctx.io.cwd, readStdin: onceStdin(ctx), decrypt: 'optional', role });
  const source = await load(certSource as string, 'certificate');
  const [leaf, ...bundled] = source.certificates;
  if (!leaf) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} holds no certificate to verify.`, { fixes: ['See what it holds: `mtls inspect FILE`.'] });

  const resolved = await resolveCredentials({ ...(options.cacert ? { cacert: options.cacert } : {}), ...(options.ca ? { ca: options.ca } : {}) }, { env: ctx.io.env, cwd: ctx.io.cwd });
  noteConfigUse(resolved, ctx, false);
  const trust = resolved.ca
    ? trustAnchorsFrom((await load(resolved.ca.value, 'CA bundle')).certificates, resolved.ca.from.startsWith('--') ? `${resolved.ca.from} ${resolved.ca.value.includes('-----BEGIN') ? '(inline PEM)' : resolved.ca.value}` : resolved.ca.from)
    : systemTrustAnchors();
  if (trust.count === 0) throw new MtlsError('MTLS_WRONG_CONTENT', `${resolved.ca?.from ?? '--cacert'} holds no certificate to trust.`);
  const untrusted = [];
  for (const value of options.untrusted ?? []) untrusted.push(...(await load(value, 'intermediates')).certificates);

  const result = verifyChain({ leaf, bundled, untrusted, trust, purpose: options.purpose, ...(options.host ? { host: options.host } : {}), at });
  if (ctx.json) ctx.print(toJsonDocument('chain-verify', { ...result }));
  else ctx.print(renderChainVerification(result, ctx.out));
  return result.valid ? 0 : 1;
};

export default chainVerify;

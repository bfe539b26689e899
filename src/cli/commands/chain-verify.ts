import { readFile } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import type { ParsedCertificate } from '../../core/certificate/parse.js';
import type { ChainVerification } from '../../core/chain/types.js';
import type { TrustAnchors } from '../../core/chain/trust.js';
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
  crl?: string[];
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

  const verified = verifyChain({ leaf, bundled, untrusted, trust, purpose: options.purpose, ...(options.host ? { host: options.host } : {}), at });
  const { result, revocation } = options.crl ? await withRevocation(verified, { leaf, pool: [...bundled, ...untrusted], trust, crlFiles: options.crl, at, ctx }) : { result: verified, revocation: null };
  if (ctx.json) ctx.print(toJsonDocument('chain-verify', { ...result, ...(revocation ? { revocation } : {}) }));
  else ctx.print(renderChainVerification(result, ctx.out) + (revocation ? `\n${ctx.out.dim(`Revocation: ${revocation.checked} certificate${revocation.checked === 1 ? '' : 's'} checked against ${revocation.crls} CRL${revocation.crls === 1 ? '' : 's'} (--crl ${revocation.files.join(' ')}).`)}` : ''));
  return result.valid ? 0 : 1;
};

/**
 * --crl: the path found is checked against the CRLs (src/core/chain/revocation-check.ts, kept
 * apart from verifyChain so it can be reconciled with the CRL work of issue 15).
 */
async function withRevocation(
  verified: ChainVerification,
  input: { leaf: ParsedCertificate; pool: ParsedCertificate[]; trust: TrustAnchors; crlFiles: string[]; at: Date; ctx: Context },
): Promise<{ result: ChainVerification; revocation: { checked: number; crls: number; files: string[] } }> {
  const { checkRevocation } = await import('../../core/chain/revocation-check.js');
  const { crlBlocks } = await import('../../core/revocation/crl-file.js');
  const crls: Buffer[] = [];
  for (const file of input.crlFiles) {
    const bytes = await readFile(resolvePath(input.ctx.io.cwd, file)).catch(() => {
      throw new MtlsError('MTLS_FILE_NOT_FOUND', `${file}: the CRL file cannot be read (--crl).`, { details: { path: file } });
    });
    crls.push(...crlBlocks(bytes, file));
  }
  // The certificates of the path, by fingerprint: the leaf, the intermediates offered, and the anchors named.
  const known = new Map<string, ParsedCertificate>();
  for (const cert of [input.leaf, ...input.pool]) known.set(cert.facts.fingerprintSha256, cert);
  for (const cert of [...known.values()]) for (const anchor of input.trust.named(cert.x509.issuer)) known.set(anchor.facts.fingerprintSha256, anchor);
  const path = verified.path.map((link) => known.get(link.fingerprintSha256)).filter((c): c is ParsedCertificate => c !== undefined);
  const check = await checkRevocation(path, crls, input.at);
  const problems = [...verified.problems, ...check.problems];
  const first = problems[0];
  const result = check.problems.length === 0 ? verified : { ...verified, problems, valid: false, verdict: first ? `${first.summary} ${first.fix}` : verified.verdict };
  return { result, revocation: { checked: check.checked, crls: check.crls, files: input.crlFiles } };
}

export default chainVerify;

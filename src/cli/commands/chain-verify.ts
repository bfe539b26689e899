import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import { noteConfigUse, onceStdin } from '../credentials.js';
import { resolveCredentials } from '../../config/resolve.js';
import { loadCredential } from '../../core/load/index.js';
import { MtlsError } from '../../core/errors.js';
import { verifyChain, type VerifyChainInput } from '../../core/chain/verify.js';
import { systemTrustAnchors, trustAnchorsFrom } from '../../core/chain/trust.js';
import { readCrls, type ParsedCrl } from '../../core/chain/crl.js';
import type { Purpose } from '../../core/chain/purpose.js';
import type { ParsedCertificate } from '../../core/certificate/parse.js';
import { parseInstant } from '../../core/time/duration.js';
import { renderChainVerification } from '../../render/chain.js';
import { toJsonDocument } from '../../render/json.js';

interface ChainVerifyOptions {
  cacert?: string;
  ca?: string;
  untrusted?: string[];
  purpose: Purpose;
  host?: string;
  email?: string;
  at: string;
  maxDepth?: number;
  crl?: string[];
  crlFetch?: boolean;
  fetch?: boolean;
  fetchTimeout: number;
  strict?: boolean;
  leafKeyUsage: boolean;
  json?: boolean;
}

/** Downloads per run: AIA issuers and CRLs (each bounded in size and time by its fetcher). */
const MAX_DOWNLOADS = 8;

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
  const untrusted: ParsedCertificate[] = [];
  for (const value of options.untrusted ?? []) untrusted.push(...(await load(value, 'intermediates')).certificates);
  const crls: ParsedCrl[] = [];
  for (const file of options.crl ?? []) {
    const path = resolve(ctx.io.cwd, file);
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new MtlsError('MTLS_FILE_NOT_FOUND', `--crl ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`, { fixes: ['Check the path: `ls -l FILE`.'] });
    });
    crls.push(...readCrls(bytes, `--crl ${file}`));
  }

  const input: VerifyChainInput = {
    leaf, bundled, untrusted, trust, purpose: options.purpose, at,
    ...(options.host ? { host: options.host } : {}),
    ...(options.email ? { email: options.email } : {}),
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.strict ? { strict: true } : {}),
    ...(options.leafKeyUsage === false ? { leafKeyUsage: false } : {}),
    crls,
  };
  let result = verifyChain(input);
  const downloads: string[] = [];
  if (options.fetch && !result.anchored) {
    // AIA is opt-in: download the issuer of the certificate the best path ends at, then build again.
    const { fetchIssuerCertificates } = await import('../../core/chain/aia.js');
    const seen = new Set<string>();
    while (!result.anchored && downloads.length < MAX_DOWNLOADS) {
      const top = [leaf, ...bundled, ...untrusted].find((c) => c.facts.fingerprintSha256 === result.path.at(-1)?.fingerprintSha256);
      const url = top?.facts.caIssuerUrls.find((u) => !seen.has(u));
      if (!url) break;
      seen.add(url);
      try {
        untrusted.push(...(await fetchIssuerCertificates(url, options.fetchTimeout * 1000)));
        downloads.push(`${url}: ok`);
      } catch (error) {
        downloads.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
      result = verifyChain({ ...input, untrusted });
    }
  }
  if (options.crlFetch) {
    const { fetchCrl } = await import('../../core/chain/crl-fetch.js');
    const onPath = new Set(result.path.map((l) => l.fingerprintSha256));
    const certs = [leaf, ...bundled, ...untrusted].filter((c, i, all) => onPath.has(c.facts.fingerprintSha256) && all.findIndex((o) => o.facts.fingerprintSha256 === c.facts.fingerprintSha256) === i);
    for (const url of [...new Set(certs.flatMap((c) => c.facts.crlUrls))].slice(0, MAX_DOWNLOADS)) {
      try {
        crls.push(...(await fetchCrl(url, options.fetchTimeout * 1000)));
        downloads.push(`${url}: ok`);
      } catch (error) {
        downloads.push(`${url}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    result = verifyChain({ ...input, untrusted, crls });
  }
  const shown = { ...result, ...(downloads.length > 0 ? { downloads } : {}) };
  if (ctx.json) ctx.print(toJsonDocument('chain-verify', shown));
  else ctx.print(renderChainVerification(result, ctx.out) + (downloads.length > 0 ? `\n${ctx.out.dim(`Downloaded: ${downloads.join('; ')}.`)}` : ''));
  return result.valid ? 0 : 1;
};

export default chainVerify;

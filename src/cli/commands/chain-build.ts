import { stat } from 'node:fs/promises';
import { MAX_SCANNED_FILE_BYTES, readFileBounded } from '../../core/fs/read.js';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { onceStdin } from '../credentials.js';
import { loadCredential } from '../../core/load/index.js';
import { MtlsError } from '../../core/errors.js';
import { parseCertificate } from '../../core/certificate/parse.js';
import { buildChain, type Candidate } from '../../core/chain/build.js';
import { fetchIssuerCertificates } from '../../core/chain/aia.js';
import { systemTrustAnchors } from '../../core/chain/trust.js';
import { certificatesInBytes } from '../../core/expiry/read.js';
import { walkFiles } from '../../core/expiry/walk.js';
import { writeFileAtomic } from '../../core/fs/write.js';
import { renderChainBuild } from '../../render/chain.js';
import { toJsonDocument } from '../../render/json.js';

interface ChainBuildOptions {
  from?: string[];
  fetch?: boolean;
  fetchTimeout: number;
  includeRoot?: boolean;
  out?: string;
  force?: boolean;
  json?: boolean;
}

const chainBuild: CommandAction<ChainBuildOptions> = async ([leafSource], options, ctx) => {
  const source = await loadCredential(leafSource as string, { cwd: ctx.io.cwd, readStdin: onceStdin(ctx), decrypt: 'optional', role: 'certificate' });
  if (source.certificates.length === 0) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} holds no certificate.`, { fixes: ['See what it holds: `mtls inspect FILE`.'] });
  const candidates: Candidate[] = [];
  for (const from of options.from ?? []) candidates.push(...(await candidatesFrom(from, ctx)));

  const spinner = options.fetch ? await ctx.spinner('Fetching issuers from AIA URLs…') : null;
  const result = await buildChain({
    leafFile: source.certificates.map((cert) => ({ cert, from: source.origin })),
    candidates,
    includeRoot: options.includeRoot === true,
    ...(options.fetch ? { fetchIssuer: (url: string) => fetchIssuerCertificates(url, options.fetchTimeout * 1000) } : {}),
    systemRoots: systemTrustAnchors(),
    now: new Date(),
  });
  spinner?.stop();

  if (options.out && result.complete) {
    await writeFileAtomic(resolve(ctx.io.cwd, options.out), result.pem, { mode: 0o644, force: options.force === true });
  }
  if (ctx.json) {
    ctx.print(toJsonDocument('chain-build', { ...result, ...(options.out ? { out: options.out } : {}) }));
  } else {
    ctx.note(renderChainBuild(result, ctx.err));
    if (!options.out && result.complete) ctx.io.stdout.write(result.pem);
    if (options.out && result.complete) ctx.note(`Wrote ${result.path.length} certificate(s) to ${options.out}.`);
    if (!result.complete) ctx.note(ctx.err.dim(`Nothing was written: the chain is ${result.missing ? 'incomplete' : 'not valid'}.`));
  }
  return result.complete ? 0 : 1;
};

/** Certificates in a file (any format the loader reads) or, recursively, in a folder. */
async function candidatesFrom(value: string, ctx: Context): Promise<Candidate[]> {
  const path = resolve(ctx.io.cwd, value);
  const info = await stat(path).catch(() => null);
  if (!info?.isDirectory()) {
    const loaded = await loadCredential(value, { cwd: ctx.io.cwd, decrypt: 'optional', role: 'candidate certificates' });
    return loaded.certificates.map((cert) => ({ cert, from: value }));
  }
  const found: Candidate[] = [];
  for await (const file of walkFiles(path)) {
    // Candidates only: a file too large or unreadable is passed over, as one holding no certificate is.
    const bytes = await readFileBounded(file, { limit: MAX_SCANNED_FILE_BYTES }).catch(() => null);
    const read = bytes ? await certificatesInBytes(bytes, undefined) : null;
    if (read?.kind !== 'certificates') continue;
    const label = value.replace(/\/$/, '') + file.slice(path.length);
    for (const x509 of read.certificates) found.push({ cert: parseCertificate(x509.raw, label), from: label });
  }
  return found;
}

export default chainBuild;

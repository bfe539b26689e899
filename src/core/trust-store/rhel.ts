import type { StoreContext, TrustStoreStep } from './types.js';
import { readText, removeFile, underRoot, writeCertificateFile, bundleContains } from './files.js';
import { lastLine } from './debian.js';

const LABEL = 'RHEL/Fedora system store (update-ca-trust)';

/**
 * RHEL, Fedora, CentOS, Amazon Linux: a PEM file in /etc/pki/ca-trust/source/anchors, then
 * `update-ca-trust extract` rebuilds the bundles in /etc/pki/ca-trust/extracted. That tool takes
 * no other root, so under --root the file is placed and the command is left for inside the root.
 * Not exercised on this project's Debian machines: documented, and tested where it exists.
 */
export async function rhelStore(ctx: StoreContext, tool: string): Promise<TrustStoreStep> {
  const file = underRoot(ctx.root, `/etc/pki/ca-trust/source/anchors/${ctx.ca.name}.crt`);
  const update = [tool, 'extract'];
  const location = ctx.root ? `${LABEL} under ${ctx.root}` : LABEL;
  const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = [], files: string[] = []): TrustStoreStep => ({ store: 'system', location, status, detail, commands, files });
  const present = bundleContains(await readText(file), ctx.ca.pem);
  if (ctx.mode === 'install' ? present : !present) return step(ctx.mode === 'install' ? 'already-installed' : 'not-installed', `${file} ${present ? 'is in place' : 'is not there'}`);
  if (ctx.dryRun) return step(ctx.mode === 'install' ? 'would-install' : 'would-remove', `would ${ctx.mode === 'install' ? 'write' : 'remove'} ${file} and run ${update.join(' ')}`, ctx.root ? [] : [update], [file]);
  try {
    if (ctx.mode === 'install') await writeCertificateFile(file, ctx.ca.pem);
    else await removeFile(file);
  } catch (error) {
    return step('failed', `${file} cannot be changed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the system store needs root: sudo`, [], [file]);
  }
  if (ctx.root) return step(ctx.mode === 'install' ? 'installed' : 'removed', `${ctx.mode === 'install' ? 'wrote' : 'removed'} ${file}; update-ca-trust takes no other root: run \`chroot ${ctx.root} update-ca-trust extract\``, [], [file]);
  const result = await ctx.exec(update);
  if (result.code !== 0) return step('failed', `${update.join(' ')} failed: ${lastLine(result.stderr || result.stdout)}`, [update], [file]);
  return step(ctx.mode === 'install' ? 'installed' : 'removed', `${ctx.mode === 'install' ? 'wrote' : 'removed'} ${file} and rebuilt /etc/pki/ca-trust/extracted`, [update], [file]);
}

import type { StoreContext, TrustStoreStep } from './types.js';
import { bundleContains, ensureFolders, readText, removeFile, underRoot, writeCertificateFile } from './files.js';

const LABEL = 'Debian/Ubuntu system store (update-ca-certificates)';

/**
 * Debian and Ubuntu: a .crt file (PEM) in /usr/local/share/ca-certificates, then
 * update-ca-certificates links it into /etc/ssl/certs and rebuilds ca-certificates.crt, the
 * bundle OpenSSL, curl, Python and Go read. Under --root every path given to it is under the
 * root (its own flags), so it runs for real without touching /etc.
 */
export async function debianStore(ctx: StoreContext, tool: string): Promise<TrustStoreStep> {
  const { root, ca } = ctx;
  const paths = {
    local: underRoot(root, '/usr/local/share/ca-certificates'),
    etc: underRoot(root, '/etc/ssl/certs'),
    conf: underRoot(root, '/etc/ca-certificates.conf'),
    shared: underRoot(root, '/usr/share/ca-certificates'),
    hooks: underRoot(root, '/etc/ca-certificates/update.d'),
  };
  const file = `${paths.local}/${ca.name}.crt`;
  const bundlePath = `${paths.etc}/ca-certificates.crt`;
  const update = [tool, ...(ctx.mode === 'uninstall' ? ['--fresh'] : []), ...(root ? ['--certsconf', paths.conf, '--certsdir', paths.shared, '--localcertsdir', paths.local, '--etccertsdir', paths.etc, '--hooksdir', paths.hooks] : [])];
  const location = root ? `${LABEL} under ${root}` : LABEL;
  const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = [], files: string[] = []): TrustStoreStep => ({ store: 'system', location, status, detail, commands, files });

  const present = await readText(file);
  const inBundle = bundleContains(await readText(bundlePath), ca.pem);
  if (ctx.mode === 'install') {
    if (present !== null && bundleContains(present, ca.pem) && inBundle) return step('already-installed', `${file} is in place and ${bundlePath} holds it`);
    if (ctx.dryRun) return step('would-install', `would write ${file} and rebuild ${bundlePath}`, [update], [file]);
    try {
      if (root) await ensureFolders([paths.local, paths.etc, paths.shared, paths.hooks]);
      await writeCertificateFile(file, ca.pem);
    } catch (error) {
      return step('failed', `${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the system store needs root: sudo`, [], [file]);
    }
    const result = await ctx.exec(update);
    if (result.code !== 0) return step('failed', `${update.join(' ')} failed: ${lastLine(result.stderr || result.stdout)}`, [update], [file]);
    if (!bundleContains(await readText(bundlePath), ca.pem)) return step('failed', `${update[0]} ran but ${bundlePath} does not hold the CA`, [update], [file]);
    return step('installed', `wrote ${file}; ${bundlePath} now holds the CA (OpenSSL, curl, Python, Go)`, [update], [file]);
  }
  if (present === null && !inBundle) return step('not-installed', `${file} is not there and ${bundlePath} does not hold the CA`);
  if (ctx.dryRun) return step('would-remove', `would remove ${file} and rebuild ${bundlePath}`, [update], [file]);
  try {
    await removeFile(file);
  } catch (error) {
    return step('failed', `${file} cannot be removed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); the system store needs root: sudo`, [], [file]);
  }
  const result = await ctx.exec(update);
  if (result.code !== 0) return step('failed', `${update.join(' ')} failed: ${lastLine(result.stderr || result.stdout)}`, [update], [file]);
  // update-ca-certificates leaves the bundle as it was when no certificate at all is left to list.
  if (bundleContains(await readText(bundlePath), ca.pem)) return step('failed', `${update[0]} ran but ${bundlePath} still holds the CA (an empty store is not rebuilt)`, [update], [file]);
  return step('removed', `removed ${file}; ${bundlePath} no longer holds the CA`, [update], [file]);
}

export function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? 'no message';
}

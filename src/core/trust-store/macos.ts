import type { StoreContext, TrustStoreStep } from './types.js';
import { lastLine } from './debian.js';

const KEYCHAIN = '/Library/Keychains/System.keychain';

/**
 * macOS: the System keychain, trusted as a root for every user (`security add-trusted-cert -d`;
 * it asks for an administrator password). Found by its SHA-1 hash, which is how `security`
 * names a certificate for deletion. Runs only on macOS: documented, not tested on Linux CI.
 */
export async function macosStore(ctx: StoreContext): Promise<TrustStoreStep> {
  const location = `macOS System keychain (${KEYCHAIN})`;
  const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = []): TrustStoreStep => ({ store: 'system', location, status, detail, commands, files: [] });
  const find = await ctx.exec(['security', 'find-certificate', '-a', '-Z', KEYCHAIN]);
  const present = find.code === 0 && find.stdout.toUpperCase().includes(ctx.ca.sha1);
  const command = ctx.mode === 'install'
    ? ['sudo', 'security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', KEYCHAIN, ctx.ca.path]
    : ['sudo', 'security', 'delete-certificate', '-Z', ctx.ca.sha1, '-t', KEYCHAIN];
  if (ctx.mode === 'install' ? present : !present) return step(ctx.mode === 'install' ? 'already-installed' : 'not-installed', `the keychain ${present ? 'holds' : 'does not hold'} SHA-1 ${ctx.ca.sha1}`);
  if (ctx.dryRun) return step(ctx.mode === 'install' ? 'would-install' : 'would-remove', `would run ${command.join(' ')}`, [command]);
  const result = await ctx.exec(command);
  if (result.code !== 0) return step('failed', `${command.join(' ')} failed: ${lastLine(result.stderr || result.stdout)}`, [command]);
  return step(ctx.mode === 'install' ? 'installed' : 'removed', ctx.mode === 'install' ? 'trusted as a root for every user (Safari, Chrome, curl, Go use it)' : 'removed from the System keychain', [command]);
}

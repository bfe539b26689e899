import type { StoreContext, TrustStoreStep } from './types.js';
import { lastLine } from './debian.js';

/**
 * Windows: the machine's Trusted Root Certification Authorities store, with Windows' own
 * certutil (not NSS's: same name, other tool), from an elevated prompt. Found and deleted by
 * serial number. Runs only on Windows: documented, not tested on Linux CI.
 */
export async function windowsStore(ctx: StoreContext): Promise<TrustStoreStep> {
  const location = 'Windows root store (LocalMachine\\Root)';
  const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = []): TrustStoreStep => ({ store: 'system', location, status, detail, commands, files: [] });
  const present = (await ctx.exec(['certutil', '-store', 'Root', ctx.ca.serialNumber])).code === 0;
  const command = ctx.mode === 'install' ? ['certutil', '-addstore', '-f', 'Root', ctx.ca.path] : ['certutil', '-delstore', 'Root', ctx.ca.serialNumber];
  if (ctx.mode === 'install' ? present : !present) return step(ctx.mode === 'install' ? 'already-installed' : 'not-installed', `the Root store ${present ? 'holds' : 'does not hold'} serial ${ctx.ca.serialNumber}`);
  if (ctx.dryRun) return step(ctx.mode === 'install' ? 'would-install' : 'would-remove', `would run ${command.join(' ')} (from an elevated prompt)`, [command]);
  const result = await ctx.exec(command);
  if (result.code !== 0) return step('failed', `${command.join(' ')} failed (it needs an elevated prompt): ${lastLine(result.stderr || result.stdout)}`, [command]);
  return step(ctx.mode === 'install' ? 'installed' : 'removed', ctx.mode === 'install' ? 'trusted by Edge, Chrome, .NET and curl (schannel)' : 'removed from the Root store', [command]);
}

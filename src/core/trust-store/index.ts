import { createHash } from 'node:crypto';
import { debianStore } from './debian.js';
import { javaStore } from './java.js';
import { macosStore } from './macos.js';
import { nodeAdvice } from './node.js';
import { nssStores } from './nss.js';
import { rhelStore } from './rhel.js';
import type { StoreContext, StoreId, TrustStoreStep } from './types.js';
import { windowsStore } from './windows.js';

export type { CaToTrust, StoreContext, StoreId, TrustMode, TrustStoreStep, StepStatus } from './types.js';
export { trustName } from './name.js';
export { execProgram, whichIn } from './exec.js';

export const STORE_IDS: StoreId[] = ['system', 'nss', 'java', 'node'];

export interface TrustReport {
  mode: StoreContext['mode'];
  dryRun: boolean;
  root: string | null;
  ca: { path: string; subject: string; name: string };
  steps: TrustStoreStep[];
  /** Nothing failed. */
  ok: boolean;
}

/**
 * Installs or removes the CA in each store asked for, one after another, and says for each what
 * was changed, what was already so, and what was skipped and why. A store that fails does not
 * stop the others.
 */
export async function applyTrust(ctx: StoreContext, stores: StoreId[]): Promise<TrustReport> {
  const steps: TrustStoreStep[] = [];
  if (stores.includes('system')) steps.push(await systemStore(ctx));
  if (stores.includes('nss')) steps.push(...(await nssStores(ctx)));
  if (stores.includes('java')) steps.push(await javaStore(ctx));
  if (stores.includes('node')) steps.push(nodeAdvice(ctx));
  return {
    mode: ctx.mode,
    dryRun: ctx.dryRun,
    root: ctx.root,
    ca: { path: ctx.ca.path, subject: ctx.ca.subject, name: ctx.ca.name },
    steps,
    ok: steps.every((s) => s.status !== 'failed'),
  };
}

/** The system store of this OS: Debian's tool first, then RHEL's; macOS and Windows by platform (not under --root). */
async function systemStore(ctx: StoreContext): Promise<TrustStoreStep> {
  if (ctx.platform === 'darwin' && !ctx.root) return macosStore(ctx);
  if (ctx.platform === 'win32' && !ctx.root) return windowsStore(ctx);
  const debian = ctx.which('update-ca-certificates');
  if (debian) return debianStore(ctx, debian);
  const rhel = ctx.which('update-ca-trust');
  if (rhel) return rhelStore(ctx, rhel);
  return { store: 'system', location: 'system store', status: 'skipped', detail: `no known system store tool here (update-ca-certificates, update-ca-trust${ctx.root ? '' : ', macOS security, Windows certutil'})`, commands: [], files: [] };
}

export function sha1Hex(der: Buffer): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

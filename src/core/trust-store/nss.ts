import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StoreContext, TrustStoreStep } from './types.js';
import { lastLine } from './debian.js';

/**
 * NSS databases, which Firefox (every OS) and Chrome/Chromium on Linux read instead of the
 * system store: the shared ~/.pki/nssdb and each Firefox profile (snap and flatpak ones too).
 * Only databases that exist are changed (a browser creates its own; an empty one would trust
 * nothing else). `certutil -t C,,` trusts the CA for TLS servers only, not for e-mail or code.
 */
export function nssDatabases(home: string | undefined): string[] {
  if (!home) return [];
  const found: string[] = [];
  const consider = (folder: string) => {
    if (existsSync(join(folder, 'cert9.db'))) found.push(folder);
  };
  consider(join(home, '.pki', 'nssdb'));
  consider(join(home, 'snap', 'chromium', 'current', '.pki', 'nssdb'));
  for (const profiles of [
    join(home, '.mozilla', 'firefox'),
    join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(home, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
    join(home, 'Library', 'Application Support', 'Firefox', 'Profiles'),
  ]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(profiles);
    } catch {
      continue;
    }
    for (const entry of entries) consider(join(profiles, entry));
  }
  return found;
}

export async function nssStores(ctx: StoreContext): Promise<TrustStoreStep[]> {
  const databases = nssDatabases(ctx.env.HOME);
  const base = { store: 'nss' as const, commands: [], files: [] };
  if (databases.length === 0) return [{ ...base, location: 'NSS (Firefox, Chrome on Linux)', status: 'skipped', detail: `no NSS database under ${ctx.env.HOME ?? '$HOME (unset)'} (~/.pki/nssdb, Firefox profiles): no browser of this user keeps its own store` }];
  const certutil = ctx.platform === 'win32' ? null : ctx.which('certutil');
  if (!certutil) {
    return [{ ...base, location: `NSS (${databases.length} database${databases.length === 1 ? '' : 's'})`, status: 'skipped', detail: 'certutil (NSS tools) is not installed: `sudo apt-get install libnss3-tools` (Debian/Ubuntu), `sudo dnf install nss-tools` (Fedora), `brew install nss` (macOS); then run this again' }];
  }
  const steps: TrustStoreStep[] = [];
  for (const folder of databases) {
    const db = `sql:${folder}`;
    const location = `NSS ${db}`;
    const present = (await ctx.exec([certutil, '-d', db, '-L', '-n', ctx.ca.name])).code === 0;
    const command = ctx.mode === 'install' ? [certutil, '-d', db, '-A', '-t', 'C,,', '-n', ctx.ca.name, '-i', ctx.ca.path] : [certutil, '-d', db, '-D', '-n', ctx.ca.name];
    const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = []): TrustStoreStep => ({ store: 'nss', location, status, detail, commands, files: [] });
    if (ctx.mode === 'install' ? present : !present) {
      steps.push(step(ctx.mode === 'install' ? 'already-installed' : 'not-installed', `${present ? 'holds' : 'has no'} "${ctx.ca.name}"`));
      continue;
    }
    if (ctx.dryRun) {
      steps.push(step(ctx.mode === 'install' ? 'would-install' : 'would-remove', `would ${ctx.mode === 'install' ? 'add' : 'delete'} "${ctx.ca.name}"`, [command]));
      continue;
    }
    const result = await ctx.exec(command);
    steps.push(
      result.code === 0
        ? step(ctx.mode === 'install' ? 'installed' : 'removed', `${ctx.mode === 'install' ? 'added' : 'deleted'} "${ctx.ca.name}"${ctx.mode === 'install' ? ' (trusted for TLS servers)' : ''}; restart the browser`, [command])
        : step('failed', `${command.join(' ')} failed: ${lastLine(result.stderr || result.stdout)} (close the browser if it holds the database)`, [command]),
    );
  }
  return steps;
}

import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StoreContext, TrustStoreStep } from './types.js';
import { lastLine } from './debian.js';
import { underRoot } from './files.js';

/** The JDK's default truststore password: public, which is why it is the one used on the command line. */
const STOREPASS = 'changeit';

/** JAVA_HOME, else the JDK that the keytool on PATH belongs to (…/bin/keytool, resolved through links). */
function javaHome(ctx: StoreContext, keytool: string): string | null {
  if (ctx.env.JAVA_HOME) return ctx.env.JAVA_HOME;
  try {
    return dirname(dirname(realpathSync(keytool)));
  } catch {
    return null;
  }
}

/**
 * A Java truststore: the JDK's cacerts (lib/security/cacerts; jre/lib/security/cacerts before
 * Java 9), which every JVM of that JDK trusts by default, or --java-truststore FILE (created
 * when missing). On Debian cacerts links to /etc/ssl/certs/java/cacerts, which the
 * ca-certificates-java hook also fills from the system store.
 */
export async function javaStore(ctx: StoreContext): Promise<TrustStoreStep> {
  const base = { store: 'java' as const, commands: [], files: [] };
  const keytool = (ctx.env.JAVA_HOME && existsSync(join(ctx.env.JAVA_HOME, 'bin', 'keytool')) ? join(ctx.env.JAVA_HOME, 'bin', 'keytool') : null) ?? ctx.which('keytool');
  if (!keytool) return { ...base, location: 'Java truststore', status: 'skipped', detail: 'no JDK found (keytool not on PATH, JAVA_HOME unset): nothing Java to trust it' };
  let truststore = ctx.javaTruststore ?? null;
  if (!truststore) {
    const home = javaHome(ctx, keytool);
    const candidates = home ? [join(home, 'lib', 'security', 'cacerts'), join(home, 'jre', 'lib', 'security', 'cacerts')].map((p) => underRoot(ctx.root, p)) : [];
    truststore = candidates.find((p) => existsSync(p)) ?? null;
    if (!truststore) return { ...base, location: 'Java truststore', status: 'skipped', detail: `no cacerts found${candidates.length ? ` (${candidates.join(', ')})` : ''}; name one with --java-truststore FILE` };
  }
  const location = `Java truststore ${truststore}`;
  const step = (status: TrustStoreStep['status'], detail: string, commands: string[][] = []): TrustStoreStep => ({ store: 'java', location, status, detail, commands, files: [] });
  const exists = existsSync(truststore);
  const present = exists && (await ctx.exec([keytool, '-list', '-keystore', truststore, '-storepass', STOREPASS, '-alias', ctx.ca.name])).code === 0;
  const command = ctx.mode === 'install'
    ? [keytool, '-importcert', '-noprompt', '-trustcacerts', '-keystore', truststore, '-storepass', STOREPASS, '-alias', ctx.ca.name, '-file', ctx.ca.path]
    : [keytool, '-delete', '-keystore', truststore, '-storepass', STOREPASS, '-alias', ctx.ca.name];
  if (ctx.mode === 'install' ? present : !present) return step(ctx.mode === 'install' ? 'already-installed' : 'not-installed', `${present ? 'holds' : 'has no'} alias "${ctx.ca.name}"`);
  if (ctx.dryRun) return step(ctx.mode === 'install' ? 'would-install' : 'would-remove', `would ${ctx.mode === 'install' ? `import alias "${ctx.ca.name}"${exists ? '' : ' (creating the store)'}` : `delete alias "${ctx.ca.name}"`}`, [command]);
  const result = await ctx.exec(command);
  if (result.code !== 0) return step('failed', `keytool failed: ${lastLine(result.stderr || result.stdout)}${/password/i.test(result.stderr + result.stdout) ? ' (the store password is not the default "changeit")' : ''}`, [command]);
  return step(ctx.mode === 'install' ? 'installed' : 'removed', `${ctx.mode === 'install' ? 'imported' : 'deleted'} alias "${ctx.ca.name}"; restart the JVMs that use it`, [command]);
}

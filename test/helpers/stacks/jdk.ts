import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

const SOURCE = fileURLToPath(new URL('./jdk-server/Server.java', import.meta.url));

let compilerPresent: boolean | undefined;
/** Source mode (`java Server.java`) needs the jdk.compiler module: a JDK, not only a JRE. */
function hasCompiler(java: string): boolean {
  compilerPresent ??= (() => {
    try {
      return execFileSync(java, ['--list-modules'], { encoding: 'utf8', timeout: 30_000 }).includes('jdk.compiler@');
    } catch {
      return false;
    }
  })();
  return compilerPresent;
}

/** The JDK's com.sun.net.httpserver.HttpsServer (JSSE), one HttpsServer per listener in one JVM. */
export const jdk: StackLauncher = {
  kind: 'jdk',
  label: 'JDK HttpsServer (JSSE)',
  supportsOptional: true,
  versions: ['1.2', '1.3'],
  unavailable: () => {
    const java = findBinary('java');
    if (!java) return 'java is not installed (Debian package default-jdk-headless)';
    return hasCompiler(java) ? null : 'the JDK compiler is missing (a JRE only): install default-jdk-headless';
  },
  async start({ listeners }) {
    const ports = await allocatePorts(listeners);
    const args = listeners.flatMap((l) => [String(ports[l.id]), l.tls, l.clientAuth, l.server.cert, l.server.key, l.clientCa]);
    // Small heap and no JIT tiers beyond C1: a test server, on a machine shared by many.
    const server = spawnServer(findBinary('java') ?? 'java', ['-Xmx128m', '-XX:TieredStopAtLevel=1', '-Xshare:auto', SOURCE, ...args]);
    return whenListening('jdk', [server], ports);
  },
};

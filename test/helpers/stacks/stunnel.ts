import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

/**
 * stunnel in server mode, one service per listener, in front of a tiny plain HTTP backend in
 * this process. No 'optional' mode: stunnel has no HTTP layer to answer 403.
 */
export const stunnel: StackLauncher = {
  kind: 'stunnel',
  label: 'stunnel',
  supportsOptional: false,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('stunnel4', 'stunnel') ? null : 'stunnel is not installed (Debian package stunnel4)'),
  async start({ listeners }) {
    const dir = tempDir('mtls-stack-stunnel-');
    const backend = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n'));
    await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
    backend.unref(); // never what keeps a test file alive
    const backendPort = (backend.address() as AddressInfo).port;
    const ports = await allocatePorts(listeners);
    const services = listeners.map(
      (l) => `[${l.id}]
accept = 127.0.0.1:${ports[l.id]}
connect = 127.0.0.1:${backendPort}
cert = ${l.server.cert}
key = ${l.server.key}
CAfile = ${l.clientCa}
verifyChain = yes
requireCert = yes
sslVersionMin = TLSv${l.tls}
sslVersionMax = TLSv${l.tls}`,
    );
    const confPath = join(dir, 'stunnel.conf');
    writeFileSync(confPath, `foreground = yes\npid =\ndebug = info\n\n${services.join('\n\n')}\n`);
    const server = spawnServer(findBinary('stunnel4', 'stunnel') ?? 'stunnel4', [confPath]);
    const running = await whenListening('stunnel', [server], ports);
    const stopTunnel = running.stop;
    running.stop = async () => {
      await stopTunnel();
      backend.closeAllConnections();
      await new Promise<void>((resolve) => backend.close(() => resolve()));
    };
    return running;
  },
};

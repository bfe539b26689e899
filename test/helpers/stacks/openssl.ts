import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { allocatePorts, findBinary, pemBlocks, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

/** `openssl s_server -www`, one process per listener (s_server listens on one socket). No 'optional' mode: it cannot answer 403. */
export const openssl: StackLauncher = {
  kind: 'openssl',
  label: 'openssl s_server',
  supportsOptional: false,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('openssl') ? null : 'openssl is not installed'),
  async start({ listeners }) {
    const dir = tempDir('mtls-stack-openssl-');
    const ports = await allocatePorts(listeners);
    const processes = listeners.map((listener) => {
      // s_server's -cert reads only the first certificate: the rest goes to -cert_chain.
      const [leaf = '', ...chain] = pemBlocks(listener.server.cert);
      const leafFile = join(dir, `${listener.id}-leaf.crt`);
      writeFileSync(leafFile, leaf);
      const args = ['s_server', '-accept', `127.0.0.1:${ports[listener.id]}`, '-cert', leafFile, '-key', listener.server.key, '-www', '-naccept', '100000', '-CAfile', listener.clientCa];
      if (chain.length > 0) {
        const chainFile = join(dir, `${listener.id}-chain.crt`);
        writeFileSync(chainFile, chain.join(''));
        args.push('-cert_chain', chainFile);
      }
      args.push('-Verify', '4', '-verify_return_error', listener.tls === '1.2' ? '-tls1_2' : '-tls1_3');
      return spawnServer('openssl', args);
    });
    return whenListening('openssl', processes, ports);
  },
};

import { fileURLToPath } from 'node:url';
import { tempDir } from '../tmp.js';
import { writeListenersJson } from './listeners-json.js';
import { allocatePorts, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

const SCRIPT = fileURLToPath(new URL('./node-server.mjs', import.meta.url));

/** Node's own `https` server, in a child process (its refusals must not share the client's event loop). */
export const node: StackLauncher = {
  kind: 'node',
  label: 'Node https',
  supportsOptional: true,
  versions: ['1.2', '1.3'],
  unavailable: () => null,
  async start({ listeners }) {
    const dir = tempDir('mtls-stack-node-');
    const ports = await allocatePorts(listeners);
    const server = spawnServer(process.execPath, [SCRIPT, writeListenersJson(dir, listeners, ports)]);
    return whenListening('node', [server], ports);
  },
};

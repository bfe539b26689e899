import { fileURLToPath } from 'node:url';
import { tempDir } from '../tmp.js';
import { writeListenersJson } from './listeners-json.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

const SCRIPT = fileURLToPath(new URL('./python-server.py', import.meta.url));

/** Python's `ssl` module around http.server (OpenSSL underneath, but Python's defaults: no CA names in the request). */
export const python: StackLauncher = {
  kind: 'python',
  label: 'Python ssl',
  supportsOptional: true,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('python3') ? null : 'python3 is not installed'),
  async start({ listeners }) {
    const dir = tempDir('mtls-stack-python-');
    const ports = await allocatePorts(listeners);
    const server = spawnServer(findBinary('python3') ?? 'python3', [SCRIPT, writeListenersJson(dir, listeners, ports)]);
    return whenListening('python', [server], ports);
  },
};

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../tmp.js';
import { writeListenersJson } from './listeners-json.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

const SOURCE = fileURLToPath(new URL('./go-server/main.go', import.meta.url));
let built: Promise<string> | undefined;

/**
 * `go build` once per run into a cache folder named after the source's hash (a second run, or a
 * second test file, reuses the binary; GOCACHE there too, so a cold CI build is the only slow one).
 */
function buildGoServer(): Promise<string> {
  built ??= (async () => {
    const source = readFileSync(SOURCE);
    const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
    const cache = join(tmpdir(), 'mtls-stack-go');
    const binary = join(cache, `go-server-${hash}`);
    if (existsSync(binary)) return binary;
    mkdirSync(cache, { recursive: true });
    const partial = `${binary}.${process.pid}.partial`;
    await promisify(execFile)(findBinary('go') ?? 'go', ['build', '-o', partial, SOURCE], {
      env: { ...process.env, GOCACHE: join(cache, 'gocache'), GOPATH: join(cache, 'gopath'), GO111MODULE: 'off', CGO_ENABLED: '0' },
      timeout: 300_000,
    });
    renameSync(partial, binary);
    return binary;
  })();
  return built;
}

/** Go's crypto/tls + net/http. */
export const go: StackLauncher = {
  kind: 'go',
  label: 'Go crypto/tls',
  supportsOptional: true,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('go') ? null : 'go is not installed (Debian package golang-go)'),
  async start({ listeners }) {
    const binary = await buildGoServer();
    const dir = tempDir('mtls-stack-go-');
    const ports = await allocatePorts(listeners);
    const server = spawnServer(binary, [writeListenersJson(dir, listeners, ports)]);
    return whenListening('go', [server], ports);
  },
};

/**
 * Shared pieces of `npm run bench`: timing (interleaved medians), the tools it compares with
 * (installed with apt-get only when missing), temporary folders, ports and processes that are
 * always cleaned up.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'bin/mtls.js');
export const NODE = process.execPath;

const cleanups = [];
/** Runs every registered cleanup (last first); safe to call more than once. */
export function cleanUp() {
  while (cleanups.length > 0) {
    try {
      cleanups.pop()();
    } catch {
      /* best effort: the rest must still run */
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanUp();
    process.exit(130);
  });
}

export function tempDir(prefix = 'mtls-bench-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs a command to completion; throws with its stderr unless its exit code is allowed. */
export function run(command, args, { okCodes = [0], ...options } = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  if (result.error) throw result.error;
  if (!okCodes.includes(result.status)) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${(result.stderr ?? '').slice(0, 500)}`);
  return result;
}

export const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;

/**
 * Makes sure each command exists, installing its Debian package with apt-get only when it is
 * missing (and only as root). Returns the commands still missing afterwards.
 */
export function ensureTools(packagesByCommand) {
  const missing = Object.keys(packagesByCommand).filter((command) => !has(command));
  if (missing.length === 0) return [];
  if (process.getuid?.() === 0 && has('apt-get')) {
    const packages = missing.map((command) => packagesByCommand[command]);
    console.error(`installing ${packages.join(', ')} (apt-get)…`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    // One by one: a package that does not exist here (mkcert on an old release) must not stop the others.
    for (const pkg of packages) spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { stdio: 'ignore', env });
  }
  return missing.filter((command) => !has(command));
}

/** Builds the CLI when this is a fresh clone (no dist yet). */
export function ensureBuild() {
  if (existsSync(join(ROOT, 'dist/bundle/main.js'))) return;
  console.error('dist/ is missing: npm run build…');
  run('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
}

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Wall time of each task, median of `runs` after one warm-up round. The tasks take turns within
 * each round, so a burst of load elsewhere on the machine hits all of them alike and the ratios
 * stay fair. A task is a function (given the round number) that runs to completion.
 */
export function timeTogether(tasks, runs) {
  const times = tasks.map(() => []);
  for (let round = 0; round <= runs; round++) {
    tasks.forEach((task, i) => {
      const start = process.hrtime.bigint();
      task(round);
      if (round > 0) times[i].push(ms(start));
    });
  }
  return times.map(median);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export async function waitForPort(port, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a long-running process that is stopped at clean-up (and waited for). */
export function startProcess(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, stop, output: () => output };
}

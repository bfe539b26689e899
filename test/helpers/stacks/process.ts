import { spawn, type SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after } from 'node:test';
import { waitForPort } from '../peers.js';
import { freePort } from '../tmp.js';
import type { ListenerSpec, RunningStack, StackKind } from './types.js';

/** Generous: seven helpers share two cores, and Apache or a cold `go build` are slow there. */
export const STARTUP_TIMEOUT_MS = 20_000;

export interface ServerProcess {
  log(): string;
  stop(): Promise<void>;
  /** Rejects as soon as the process exits (a start-up failure), with its output. */
  exited: Promise<never>;
}

/**
 * Spawns a server in its own process group (detached), so stop() reaches its workers too
 * (nginx's, Apache's, lighttpd's), and registers stop() with `after` when inside node:test.
 */
export function spawnServer(command: string, args: string[], options: SpawnOptions & { logFiles?: string[] } = {}): ServerProcess {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const log = () => output + (options.logFiles ?? []).map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '')).join('');
  let done = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((done = true), resolve())));
  child.once('error', (e) => ((output += `\nspawn failed: ${e.message}`), (done = true)));
  const exited = gone.then(() => {
    throw new Error(`${command} exited during start-up:\n${log().slice(-4000)}`);
  });
  exited.catch(() => undefined);
  const signal = (sig: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  const stop = async () => {
    if (done || !child.pid) return;
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
    signal('SIGKILL'); // workers that outlived their master
  };
  try {
    after(stop);
  } catch {
    /* not inside node:test (the stack-matrix script stops stacks itself) */
  }
  return { log, stop, exited };
}

const handedOut = new Set<number>();

/** A free port per listener, never one already handed to another stack of this process (they start at once). */
export async function allocatePorts(listeners: ListenerSpec[]): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const listener of listeners) {
    let port = await freePort();
    while (handedOut.has(port)) port = await freePort();
    handedOut.add(port);
    ports[listener.id] = port;
  }
  return ports;
}

/** A start-up failure that another start with fresh ports may not meet (a port taken between freePort and bind). */
export function isPortRace(error: unknown): boolean {
  return /address already in use|EADDRINUSE|cannot bind/i.test(String((error as Error)?.message ?? error));
}

/** Ready when every port accepts a TCP connection; fails early with the log if the process dies. */
export async function whenListening(kind: StackKind, processes: ServerProcess[], ports: Record<string, number>): Promise<RunningStack> {
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  const log = () => processes.map((p) => p.log()).join('\n');
  try {
    await Promise.race([Promise.all(Object.values(ports).map((port) => waitForPort(port, STARTUP_TIMEOUT_MS))), ...processes.map((p) => p.exited)]);
  } catch (error) {
    await stop();
    throw new Error(`${kind} did not start: ${(error as Error).message}\n${log().slice(-4000)}`);
  }
  const urls = Object.fromEntries(Object.entries(ports).map(([id, port]) => [id, `https://127.0.0.1:${port}/`]));
  return { kind, ports, urls, log, stop };
}

/** The PEM blocks of a file, in order (s_server and HAProxy want leaf and chain apart or joined). */
export function pemBlocks(path: string): string[] {
  return readFileSync(path, 'utf8').match(/-----BEGIN [^-]+-----[\s\S]+?-----END [^-]+-----\n?/g) ?? [];
}

/** The first existing path of several, for binaries Debian puts in /usr/sbin. */
export function findBinary(...candidates: string[]): string | null {
  for (const candidate of candidates) {
    if (candidate.includes('/')) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
      if (dir && existsSync(`${dir}/${candidate}`)) return `${dir}/${candidate}`;
    }
  }
  return null;
}

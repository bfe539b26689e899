import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { after } from 'node:test';
import { BIN, ROOT } from '../helpers/cli.js';

/** `mtls serve` as a real process: its URL (read from stdout), its output so far, and a way to stop it. */
export interface ServeProcess extends MtlsProcess {
  url: string;
  port: number;
}

/** A running `mtls COMMAND` (the built bin): its output so far, a wait on it, signals, the exit. */
export interface MtlsProcess {
  stdout(): string;
  stderr(): string;
  /** Resolves when `predicate` holds for the output, or rejects after `timeoutMs`. */
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): void;
  exited(): Promise<number | null>;
}

/** Starts `mtls COMMAND ARGS` without the caller's MTLS_* variables; killed when the test file ends. */
export function spawnMtls(command: string, args: string[], options: { cwd?: string; env?: Record<string, string>; waitMs?: number } = {}): MtlsProcess {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTLS_')) env[k] = v;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, command, ...args], { cwd: options.cwd ?? ROOT, env: { ...env, NO_COLOR: '1', ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitFor = (predicate: () => boolean, what: string, timeoutMs = options.waitMs ?? 10_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (predicate()) return resolve();
        if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`${what} did not happen\nstdout: ${stdout}\nstderr: ${stderr}`));
        setTimeout(check, 25);
      };
      check();
    });
  return { stdout: () => stdout, stderr: () => stderr, waitFor, signal: (name) => child.kill(name), exited: () => exit };
}

export async function spawnServe(args: string[]): Promise<ServeProcess> {
  const proc = spawnMtls('serve', args);
  await proc.waitFor(() => /https:\/\/\S+:\d+\//.test(proc.stdout()), 'serve printing its URL');
  const url = (/https:\/\/\S+:\d+\//.exec(proc.stdout()) as RegExpExecArray)[0];
  return { ...proc, url, port: Number(new URL(url).port) };
}

/** The SHA-256 fingerprint of the certificate the server presents to a new connection. */
export function servedFingerprint(port: number, client: { cert: string; key: string }, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, cert: readFileSync(client.cert), key: readFileSync(client.key), ca: readFileSync(ca) }, () => {
      const fingerprint = socket.getPeerX509Certificate()?.fingerprint256 ?? '';
      socket.destroy();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

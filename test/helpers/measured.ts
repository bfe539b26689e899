import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT } from './cli.js';

export interface MeasuredResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process, from its own resource usage at exit. */
  maxRssMb: number;
  ms: number;
  /** Killed at the timeout (it hung or ran away). */
  killed: boolean;
}

/** Loaded with --import into the CLI's process: records its peak memory when it exits. */
const PROBE = join(tmpdir(), `mtls-rss-probe-${process.pid}.mjs`);
writeFileSync(
  PROBE,
  "import { writeFileSync } from 'node:fs';\n" +
    "process.on('exit', () => { if (process.env.MTLS_TEST_RSS_FILE) writeFileSync(process.env.MTLS_TEST_RSS_FILE, String(process.resourceUsage().maxRSS)); });\n",
);
process.on('exit', () => rmSync(PROBE, { force: true }));

/**
 * Runs the built CLI as a process with standard input from a file (/dev/zero, say) or empty,
 * and reports its peak RSS and how long it ran. A run past `timeoutMs` is killed.
 */
export function runCliMeasured(args: string[], options: { stdinPath?: string; cwd?: string; timeoutMs?: number } = {}): Promise<MeasuredResult> {
  const rssFile = join(tmpdir(), `mtls-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const env: Record<string, string> = { MTLS_TEST_RSS_FILE: rssFile };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('MTLS_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR' && k !== 'NODE_OPTIONS') env[k] = v;
  }
  const stdin = options.stdinPath ? openSync(options.stdinPath, 'r') : 'ignore';
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, BIN, ...args], { cwd: options.cwd ?? ROOT, env, stdio: [stdin, 'pipe', 'pipe'] });
    if (typeof stdin === 'number') closeSync(stdin);
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let maxRssMb = Number.NaN;
      try {
        maxRssMb = Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024);
        rmSync(rssFile, { force: true });
      } catch {
        // killed before it could say
      }
      resolve({ code: code ?? -1, stdout, stderr, maxRssMb, ms: Math.round(performance.now() - started), killed });
    });
  });
}

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after } from 'node:test';
import { BIN, ROOT, runCli, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { runInProcess } from '../helpers/in-process.js';

/** Shared by the fault suites: run a command against a bad peer, time it, and check it ended cleanly. */

/** A hang guard, not a speed claim: a run may take its own limit plus this much (probes, a busy machine). */
export const SLACK_MS = 8000;

/** Unhandled rejections seen while this test file runs; a clean run leaves none. */
export const unhandledRejections: unknown[] = [];
const collect = (reason: unknown) => unhandledRejections.push(reason);
process.on('unhandledRejection', collect);
after(() => process.off('unhandledRejection', collect));

export interface TimedRun extends CliResult {
  elapsedMs: number;
}

export async function timedInProcess(args: string[]): Promise<TimedRun> {
  const started = performance.now();
  const result = await runInProcess(args);
  return { ...result, elapsedMs: performance.now() - started };
}

/** As a real process, killed after the limit plus slack: a process that prints its diagnosis but never exits fails here. */
export async function timedProcess(args: string[], limitMs: number): Promise<TimedRun> {
  const started = performance.now();
  const result = await runCli(args, { timeoutMs: limitMs + SLACK_MS });
  return { ...result, elapsedMs: performance.now() - started };
}

/** Exit 1 or 2 (never 3, never killed), no stack trace, no unhandled rejection, within the limit plus slack. */
export function assertEndedCleanly(run: TimedRun, limitMs: number, expectedExit: 0 | 1 | 2 = 1): void {
  const output = run.stdout + run.stderr;
  assert.equal(run.code, expectedExit, `exit ${run.code}\n${run.stderr}`);
  assert.doesNotMatch(output, STACK_TRACE);
  assert.doesNotMatch(output, /please report|UnhandledPromiseRejection|unhandled/i);
  assert.ok(run.elapsedMs < limitMs + SLACK_MS, `took ${Math.round(run.elapsedMs)} ms (limit ${limitMs} ms)`);
}

export function jsonOf<T>(run: TimedRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new assert.AssertionError({ message: `stdout is not one JSON document:\n${run.stdout}\n${run.stderr}` });
  }
}

/** Runs the built CLI as a process and samples its peak resident memory (VmHWM) until it exits. */
export function runMeasuringMemory(args: string[], limitMs: number): Promise<TimedRun & { peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const sample = setInterval(() => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        peakKb = Math.max(peakKb, Number(match?.[1] ?? 0));
      } catch {
        // The process has just exited.
      }
    }, 50);
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs + SLACK_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sample);
      clearTimeout(killer);
      resolve({ code: code ?? -1, stdout, stderr, elapsedMs: performance.now() - started, peakRssMb: peakKb / 1024 });
    });
  });
}

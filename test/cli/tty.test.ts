import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';

/** On a real terminal: the spinner shows, stops, and the process ends with its exit code. */
function onTerminal(columns: number, args: string[]): { exited: boolean; code: number | null; output: string } {
  const result = spawnSync('python3', [join(ROOT, 'test/helpers/pty-run.py'), String(columns), process.execPath, BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', NO_COLOR: '', FORCE_COLOR: '', TERM: 'xterm-256color' },
  });
  return JSON.parse(result.stdout);
}

test('on a terminal, the spinner turns while connecting, then stops, and mtls exits with its code', () => {
  const result = onTerminal(80, ['inspect', '127.0.0.1:1', '--connect-timeout', '2']);
  assert.equal(result.exited, true, result.output);
  assert.equal(result.code, 1);
  assert.match(result.output, /Connecting to 127\.0\.0\.1:1/);
  assert.match(result.output, /MTLS_ENDPOINT_UNREACHABLE/);
});

test('a terminal that reports no width gets no spinner (ora would clear lines without end)', () => {
  const result = onTerminal(0, ['inspect', '127.0.0.1:1', '--connect-timeout', '2']);
  assert.equal(result.exited, true, result.output.slice(-200));
  assert.equal(result.code, 1);
  assert.doesNotMatch(result.output, /Connecting to/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { COMMAND_GROUPS } from '../../src/cli/program.js';

const terminalEnv: Record<string, string> = { TERM: 'xterm-256color', PTY_RUN_TAIL: '1000000' };
for (const [name, value] of Object.entries(process.env)) {
  if (value !== undefined && !['CI', 'NO_COLOR', 'FORCE_COLOR', 'GITHUB_ACTIONS', 'COLUMNS'].includes(name) && !name.startsWith('MTLS_')) terminalEnv[name] ??= value;
}

/** The output of `mtls ARGS` on a pseudo-terminal of COLUMNS columns, colour and cursor codes removed. */
function onTerminal(columns: number, args: string[], cwd = ROOT, script = BIN): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('python3', [join(ROOT, 'test/helpers/pty-run.py'), String(columns), process.execPath, script, ...args], {
      cwd,
      env: terminalEnv,
      maxBuffer: 16 * 1024 * 1024,
    }, (error, stdout) => {
      if (error) return reject(error);
      const { output } = JSON.parse(stdout) as { output: string };
      // Spinner frames end with a carriage return or are erased: keep what stays on screen.
      // Cursor to column 1 (how ora erases its frame) is a carriage return on screen.
      resolve(output.replace(/\x1b\[\d*G/g, '\r').replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r\n/g, '\n').split('\n').map((line) => line.split('\r').pop() ?? '').join('\n'));
    });
  });
}

const SUBCOMMANDS: Record<string, string[]> = {
  ca: ['init', 'intermediate', 'install', 'uninstall', 'revoke', 'crl'],
  issue: ['server', 'client'],
  p12: ['export', 'inspect'],
  chain: ['build', 'verify'],
};
const HELP = [[], ...COMMAND_GROUPS.flatMap(({ commands }) => commands.flatMap((c) => [[c], ...(SUBCOMMANDS[c] ?? []).map((s) => [c, s])]))];

/**
 * Every line fits in 80 columns, and no word is broken: each word of the 80-column output is a
 * word of the same output at 400 columns (a ` \` that continues an example is the one addition).
 */
async function assertFits(args: string[], cwd?: string, script?: string): Promise<void> {
  const [narrow, wide] = await Promise.all([onTerminal(80, args, cwd, script), onTerminal(400, args, cwd, script)]);
  assert.ok(narrow.length > 200, narrow);
  const long = narrow.split('\n').filter((line) => [...line].length > 80);
  assert.deepEqual(long, [], `mtls ${args.join(' ')}: lines over 80 columns`);
  const words = new Set(wide.split(/\s+/));
  const broken = narrow.split(/\s+/).filter((word) => word !== '' && word !== '\\' && !words.has(word));
  assert.deepEqual(broken, [], `mtls ${args.join(' ')}: words broken at 80 columns`);
}

test('--help of every command fits 80 columns on a terminal, words whole', { timeout: 300_000 }, async () => {
  assert.ok(HELP.length > 20);
  // One process prints every page (a pty run per page costs a Node start-up each).
  await assertFits(HELP.map((args) => JSON.stringify(args)), ROOT, join(ROOT, 'test/helpers/help-all.mjs'));
});

test('expiry and doctor fit 80 columns on a terminal, long lines wrapped at words under a hanging indent', { timeout: 300_000 }, async () => {
  const dir = tempDir('mtls-width-');
  const run = (args: string[]) => onTerminal(400, args, dir);
  await run(['ca', 'init', '--dir', '.', '--cn', 'a CA with a rather long name for the width test of eighty columns']);
  await run(['ca', 'intermediate', '--dir', '.']);
  await run(['issue', 'client', 'a-client-with-a-long-name-for-the-eighty-column-test', '--dir', '.']);
  const client = ['--cert', 'a-client-with-a-long-name-for-the-eighty-column-test.crt', '--key', 'a-client-with-a-long-name-for-the-eighty-column-test.key', '--cacert', 'ca.crt'];
  await assertFits(['expiry', '.'], dir);
  await assertFits(['doctor', ...client], dir);
  await assertFits(['doctor', 'https://127.0.0.1:1/', ...client, '--timeout', '2'], dir);
  const doctor = await onTerminal(80, ['doctor', ...client], dir);
  assert.match(doctor, /\n {8}\S/, 'a wrapped check goes on under its title');
});

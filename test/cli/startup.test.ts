import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const HEAVY = /node_modules\/(@peculiar\/x509|undici|ora|pkijs|reflect-metadata)\/|src\/core\/pkcs12\//;
const dir = tempDir();

/**
 * The CLI runs bundled (scripts/bundle.mjs): a loaded chunk stands for the source modules inside
 * it, which esbuild's metafile lists. Anything loaded from outside the bundle counts as itself.
 */
const meta = JSON.parse(readFileSync(join(ROOT, 'dist/bundle/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
function sourcesOf(url: string): string[] {
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const output = meta.outputs[relative(ROOT, path)];
  return output ? Object.keys(output.inputs) : [path];
}

function loadedModules(args: string[], name: string): { code: number; stdout: string; modules: string[] } {
  const file = join(dir, `${name}.trace`);
  const result = spawnSync(process.execPath, ['--import', join(ROOT, 'test/helpers/trace-imports.mjs'), BIN, ...args], {
    env: { ...process.env, MTLS_TRACE_FILE: file, NO_COLOR: '1' },
    encoding: 'utf8',
  });
  let modules: string[] = [];
  try {
    modules = readFileSync(file, 'utf8').trim().split('\n');
  } catch {
    modules = [];
  }
  return { code: result.status ?? -1, stdout: result.stdout, modules: modules.flatMap(sourcesOf) };
}

/** Every command and subcommand, read from the program itself so a new command is covered too. */
const { buildProgram } = await import('../../src/cli/program.js');
const program = buildProgram({ io: { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: async () => Buffer.alloc(0), env: {}, cwd: ROOT }, state: { exitCode: 0, json: false }, restore: (v) => v });
const commandPaths = program.commands.flatMap((command) =>
  command.commands.length > 0 ? command.commands.map((sub) => [command.name(), sub.name()]) : [[command.name()]],
);

for (const args of [['--version'], ['--help'], ['help', 'inspect'], ...commandPaths.map((path) => [...path, '--help'])]) {
  test(`mtls ${args.join(' ')} answers with exit 0 and loads none of x509, undici, ora, pkijs, pkcs12`, () => {
    const { code, stdout, modules } = loadedModules(args, args.join('-'));
    assert.equal(code, 0);
    assert.ok(stdout.length > 0);
    assert.ok(modules.some((m) => m.includes('src/cli/run.ts')), 'the trace saw the CLI load');
    assert.deepEqual(modules.filter((m) => HEAVY.test(m)), []);
  });
}

test('the trace does see heavy modules when a command needs them (control)', () => {
  const { code, modules } = loadedModules(
    ['inspect', 'fixtures/credentials/client-modern-aes256.p12', '--pass', 'env:P12_PASS'],
    'control',
  );
  // The variable is unset here: exit 2 is fine; what matters is that the command module loaded.
  assert.ok(code === 0 || code === 2);
  assert.ok(modules.some((m) => m.includes('src/cli/commands/inspect.ts')));
  assert.ok(modules.some((m) => HEAVY.test(m)), 'the PKCS#12 reader is loaded by inspect');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, ROOT } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
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
const runnerFor = () => ({ io: { stdout: { write: () => true }, stderr: { write: () => true }, readStdin: async () => Buffer.alloc(0), env: {}, cwd: ROOT }, state: { exitCode: 0, json: false }, restore: <T>(v: T) => v });
const program = buildProgram(runnerFor());
const commandPaths = program.commands.flatMap((command) =>
  command.commands.length > 0 ? command.commands.map((sub) => [command.name(), sub.name()]) : [[command.name()]],
);

test('mtls --version and -V are answered by bin/mtls.js alone, with the version commander prints', () => {
  const viaCommander = loadedModules(['--no-color', '--version'], 'version-full');
  for (const flag of ['--version', '-V']) {
    const { code, stdout, modules } = loadedModules([flag], `version-${flag}`);
    assert.equal(code, 0);
    assert.equal(stdout, viaCommander.stdout);
    assert.deepEqual(modules.filter((m) => !m.startsWith('node:')), [BIN]);
  }
  assert.ok(viaCommander.modules.some((m) => m.includes('src/cli/run.ts')), 'with other flags the CLI runs as usual');
});

test('COMMAND_GROUPS names every top-level command, in order, and a command line that starts with one builds only its group', async () => {
  const { COMMAND_GROUPS } = await import('../../src/cli/program.js');
  assert.deepEqual(COMMAND_GROUPS.flatMap((group) => group.commands), program.commands.map((command) => command.name()));
  for (const group of COMMAND_GROUPS) {
    for (const name of group.commands) {
      const partial = buildProgram(runnerFor(), ['--no-color', name, 'x']);
      assert.deepEqual(partial.commands.map((command) => command.name()), group.commands, name);
    }
  }
  assert.equal(buildProgram(runnerFor(), ['-h', 'expiry']).commands.length, program.commands.length, 'program help lists every command');
});

test('the help of every command is the same whether one group or all are built', async () => {
  const helpOf = (built: typeof program, path: string[]) => {
    let command = built;
    for (const name of path) command = command.commands.find((c) => c.name() === name) as typeof program;
    return command.helpInformation();
  };
  for (const path of commandPaths) assert.equal(helpOf(buildProgram(runnerFor(), path), path), helpOf(program, path), path.join(' '));
});

for (const args of [['--help'], ['help', 'inspect'], ...commandPaths.map((path) => [...path, '--help'])]) {
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

const ASN1_SCHEMA = /node_modules\/(asn1js|@peculiar\/asn1-schema)\//;
const CHALK = /node_modules\/chalk\//;
const fixture = (name: string) => join(ROOT, 'fixtures/credentials', name);
const certificateFolder = join(dir, 'certificates');
mkdirSync(certificateFolder);
for (const name of ['client.pem', 'root-ca.pem', 'server-fullchain.pem', 'client-key-pkcs8.pem']) copyFileSync(fixture(name), join(certificateFolder, name));

for (const [args, what] of [
  [['inspect', fixture('client.pem')], 'a PEM certificate'],
  [['inspect', fixture('client.der')], 'a DER certificate'],
  [['inspect', fixture('client-key-pkcs8.pem')], 'a plain key'],
  [['expiry', certificateFolder, '--json'], 'a folder'],
] as const) {
  test(`mtls ${args[0]} of ${what} loads no ASN.1 schema code, and no chalk off a terminal`, () => {
    const { code, modules } = loadedModules([...args], `lean-${args[0]}-${what.replace(/\W/g, '-')}`);
    assert.ok(code === 0 || code === 1, `exit ${code}`);
    assert.ok(modules.some((m) => m.includes(`src/cli/commands/${args[0]}.ts`)));
    assert.deepEqual(modules.filter((m) => ASN1_SCHEMA.test(m) || CHALK.test(m)), []);
  });
}

test('mtls request of an mTLS server loads neither undici nor ASN.1 schema code (node:http carries the request)', async () => {
  const server = await startOpenSslServer({ cert: fixture('server-fullchain.pem'), chain: fixture('intermediate-ca.pem'), key: fixture('server-key-pkcs8.pem'), clientCa: fixture('root-ca.pem'), clientAuth: 'require' });
  const url = `https://server.example:${server.port}/`;
  const { code, modules } = loadedModules(['request', url, '--cert', fixture('client-chain-in-order.pem'), '--key', fixture('client-key-pkcs8.pem'), '--cacert', fixture('root-ca.pem'), '--resolve', `server.example:${server.port}:127.0.0.1`], 'lean-request');
  assert.equal(code, 0);
  assert.ok(modules.some((m) => m.includes('src/tls/http1.ts')));
  // pkcs12/sniff.ts only recognises the format (a few bytes); the reader itself stays unloaded.
  assert.deepEqual(modules.filter((m) => ASN1_SCHEMA.test(m) || (HEAVY.test(m) && !m.endsWith('pkcs12/sniff.ts'))), []);
});

test('the ASN.1 schema readers do load when a block needs them (control: a CSR)', () => {
  const { code, modules } = loadedModules(['inspect', fixture('client.csr')], 'lean-control-csr');
  assert.equal(code, 0);
  assert.ok(modules.some((m) => ASN1_SCHEMA.test(m)));
});

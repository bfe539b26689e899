import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { Runner } from './action.js';
import { EXIT_CODES_HELP } from './options.js';
import { registerInspect } from './groups/inspect.js';
import { registerChecks } from './groups/checks.js';
import { registerRequest } from './groups/request.js';
import { registerPki } from './groups/pki.js';
import { registerDoctor } from './groups/doctor.js';
import { registerServe } from './groups/serve.js';
import { registerBridge } from './groups/bridge.js';

/**
 * Each command group registers its commands (the top-level names listed here, which
 * test/cli/startup.test.ts checks); the modules that do the work load lazily.
 */
export const COMMAND_GROUPS: { commands: string[]; register: (program: Command, runner: Runner) => void }[] = [
  { commands: ['inspect'], register: registerInspect },
  { commands: ['request'], register: registerRequest },
  { commands: ['ca', 'issue', 'csr', 'sign', 'p12', 'renew'], register: registerPki },
  { commands: ['match', 'chain', 'expiry'], register: registerChecks },
  { commands: ['serve', 'demo'], register: registerServe },
  { commands: ['doctor'], register: registerDoctor },
  { commands: ['bridge'], register: registerBridge },
];

export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * The program for `argv`. Defining every command costs about 5 ms of start-up, so a command line
 * that starts with its command (after --no-color at most) gets only that command's group; help
 * (`mtls -h expiry` is the program's help), typos and the rest get every group.
 */
export function buildProgram(runner: Runner, argv?: string[]): Command {
  const { io } = runner;
  const program = new Command('mtls');
  program
    .description('Certificates and mutual TLS, easy to set up and easy to debug.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--no-color', 'no colour (also NO_COLOR=1; FORCE_COLOR=1 forces it)')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage and examples)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  $ mtls inspect server.crt                 what a certificate (or bundle, key, CSR, .p12) really is
  $ mtls inspect example.com:443            the chain a server sends
  $ mtls inspect client.p12 --pass env:P12_PASS
${EXIT_CODES_HELP}

Docs: docs/diagnoses.md lists every MTLS_* code with its causes and fixes.`,
    );
  const named = argv?.find((arg) => arg !== '--no-color');
  const group = COMMAND_GROUPS.find((candidate) => named !== undefined && candidate.commands.includes(named));
  for (const { register } of group ? [group] : COMMAND_GROUPS) register(program, runner);
  return program;
}

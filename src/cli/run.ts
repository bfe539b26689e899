import { CommanderError } from 'commander';
import type { Io } from './io.js';
import type { RunState } from './action.js';
import { buildProgram } from './program.js';
import { shieldInlinePem } from './inline-pem.js';
import { rewriteCurlJson } from './curl-json.js';
import { MtlsError } from '../core/errors.js';
import { escapeControls } from '../core/text/control-chars.js';
import { redactUrlsIn } from '../core/text/redact-url.js';
import { colorEnabled, loadStyler } from '../render/styler.js';
import { renderDiagnosis } from '../render/diagnosis.js';
import { toJsonDocument } from '../render/json.js';

/**
 * Runs one command line and returns its exit code; never throws and never exits the process.
 * 0 success, 1 the thing checked is wrong, 2 invalid invocation or input, 3 a bug.
 */
export async function run(argv: string[], io: Io): Promise<number> {
  const state: RunState = { exitCode: 0, json: argv.includes('--json') };
  try {
    // curl's `--json BODY` on request becomes --data-json; what is left is the output flag.
    const line = rewriteCurlJson(argv);
    state.json = line.includes('--json');
    const { argv: shielded, restore } = shieldInlinePem(line);
    const program = buildProgram({ io, state, restore }, shielded);
    await program.parseAsync(shielded, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    return await handleError(error, io, state, argv);
  }
}

async function handleError(error: unknown, io: Io, state: RunState, argv: string[]): Promise<number> {
  const debug = io.env.MTLS_DEBUG === '1' || io.env.MTLS_DEBUG === 'true';
  if (error instanceof CommanderError) {
    // commander has already printed its message; help and version are successes.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
    if (error.exitCode === 0) return 0;
    // A script that asked for JSON still gets one document, even for a usage error.
    if (state.json) {
      const summary = error.message.replace(/^error: /, '');
      io.stdout.write(toJsonDocument('error', { ok: false, error: { code: 'MTLS_USAGE', title: 'Invalid command line', summary, exit: 2 } }));
    }
    return 2;
  }
  const style = await loadStyler(colorEnabled({ flag: argv.includes('--no-color') ? false : undefined, env: io.env, isTTY: io.stderr.isTTY }));
  if (error instanceof MtlsError) {
    const diagnosis = error.toDiagnosis();
    if (state.json) io.stdout.write(toJsonDocument('error', { ok: false, error: diagnosis }));
    io.stderr.write(renderDiagnosis(diagnosis, style));
    if (debug && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  // A bug's message may quote anything it was handed: a certificate's text, a URL with a password.
  const message = escapeControls(redactUrlsIn(error instanceof Error ? error.message : String(error)));
  if (state.json) {
    io.stdout.write(toJsonDocument('error', { ok: false, error: { code: 'MTLS_INTERNAL', title: 'Internal error', summary: message } }));
  }
  io.stderr.write(`${style.red.bold('internal error')}: ${message}\n`);
  io.stderr.write('This is a bug in mtls. Please report it to the mtls maintainers with the command you ran and `mtls --version` (leave out secrets).\n');
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  else io.stderr.write('Run again with MTLS_DEBUG=1 to include the stack trace in the report.\n');
  return 3;
}

import type { Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption } from '../options.js';

export function registerExplain(program: Command, runner: Runner): void {
  const explain = program
    .command('explain')
    .summary('what a diagnosis code means, its causes and fixes, and how curl, openssl and Node show it')
    .description(
      'Print a diagnosis from the catalog: what it means, the usual causes (most likely first), what to do, ' +
        'and how curl, openssl and Node show the same failure. Every error mtls prints names its code. ' +
        'Case does not matter and the MTLS_ prefix may be left out; without a CODE, every code is listed by group.',
    )
    .argument('[code]', 'a diagnosis code, e.g. MTLS_CLIENT_CERT_UNKNOWN_CA or unknown_ca');
  addJsonOption(explain);
  explain.addHelpText(
    'after',
    `
Examples:
  $ mtls explain MTLS_CLIENT_CERT_REQUIRED
  $ mtls explain client_cert_unknown_ca
  $ mtls explain                            every code, by group
  $ mtls explain MTLS_SERVER_NAME_MISMATCH --json | jq .seenElsewhere.curl

Exit codes:
  0  the code was explained (or listed)     2  no such code (the nearest ones are suggested)`,
  );
  explain.action(lazyAction(runner, () => import('../commands/explain.js')));
}

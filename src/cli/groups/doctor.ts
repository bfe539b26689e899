import { InvalidArgumentError, Option, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addCredentialOptions, addJsonOption, CREDENTIAL_ENV_HELP } from '../options.js';

function parseTimeout(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`--timeout takes a number of seconds greater than 0, got '${value}'.`);
  return seconds;
}

export function registerDoctor(program: Command, runner: Runner): void {
  const doctor = program
    .command('doctor')
    .summary('check a whole cert/key/CA setup and, with a URL, the server; --ci for pipelines')
    .description(
      'Run every check of an mTLS setup in order and print a checklist (pass, warn, fail, skip), each ' +
        'problem with its fix, and a last line saying what to fix first.',
    )
    .argument('[url]', 'https:// URL of the server to check as well (optional)')
    .addOption(new Option('--role <role>', 'what the certificate is for').choices(['client', 'server']).default('client'))
    .option('--fail-within <duration>', 'fail when a certificate expires within this time (14d, 12h, 2w, or 80% of its lifetime)', '14d')
    .option('--servername <name>', 'SNI name, also the name the server certificate must match (default: the URL host)')
    .option('--timeout <seconds>', 'each network step gives up after this many seconds', parseTimeout, 5)
    .option('--ci', 'for pipelines: no colour, no spinner, stable output; GitHub Actions annotations when GITHUB_ACTIONS=true')
    .option('--strict', 'warnings fail the run too (exit 1)')
    .option('--junit <file>', 'also write a JUnit XML report (one testcase per check) to FILE');
  addCredentialOptions(doctor);
  addJsonOption(doctor);
  doctor.addHelpText(
    'after',
    `
Examples:
  $ mtls doctor --cert client.crt --key client.key --cacert ca.crt
  $ mtls doctor https://api.internal:8443/ --cert client.crt --key client.key --cacert ca.crt
  $ mtls doctor --role server --cert server.crt --key server.key --cacert ca.crt
  $ mtls doctor --config mtls.config.json --ci --junit doctor.xml
  $ mtls doctor https://api.internal:8443/ --env-prefix API --ci --fail-within 30d

Checks, in order:
  local   files present and readable, key file mode, formats, passphrase, key matches certificate,
          validity and --fail-within, key usage for --role, chain to a CA in --cacert, CA expiry,
          weak algorithms, subjectAltName, copies and the root in the bundle
  URL     DNS, TCP, TLS 1.3 and 1.2, the server chain and host name, whether the server requires a
          client certificate, the CAs it accepts (TLS 1.2) against your chain, a real request
  --config without URL: every target of the config file, each as above
${CREDENTIAL_ENV_HELP}
  GITHUB_ACTIONS=true                           with --ci: ::error / ::warning annotations naming the file

Exit codes:
  0  no check failed (warnings allowed unless --strict)
  1  a check failed (the checklist says what to fix first)
  2  invalid invocation (bad flag, URL or config file)    3  internal error (please report)

See docs/ci.md for GitHub Actions and GitLab CI jobs.`,
  );
  doctor.action(lazyAction(runner, () => import('../commands/doctor.js')));
}

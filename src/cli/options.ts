import { InvalidArgumentError, Option, type Command } from 'commander';

/**
 * Flags shared by every command that reads credentials, defined once (curl's names).
 * Environment variables are listed in the help next to them.
 */
export function addCredentialOptions(command: Command, { withKey = true, withCa = true } = {}): Command {
  command.option('--cert <source>', 'certificate or bundle: path, inline PEM, base64, PKCS#12, or - for stdin');
  if (withKey) command.option('--key <source>', 'private key: path, inline PEM, base64, DER, or - for stdin');
  if (withCa) {
    command.option('--cacert <source>', 'CA certificate(s) to trust (alias --ca)');
    command.addOption(new Option('--ca <source>').hideHelp());
  }
  command
    .addOption(new Option('--cert-type <type>', 'force the input format (auto-detected otherwise)').choices(['PEM', 'DER', 'P12']).argParser((v: string) => v.toUpperCase()))
    .option('--pass <spec>', 'passphrase: env:NAME, file:PATH, stdin, or a literal (visible in ps: avoid)')
    .option('--env-prefix <name>', 'read NAME_CERT, NAME_KEY, NAME_CA, NAME_KEY_PASSPHRASE (they win over MTLS_*)')
    .option('--config <file>', 'config file (default ./mtls.config.json when present)');
  return command;
}

export function addJsonOption(command: Command): Command {
  return command.option('--json', 'print one JSON document on stdout (with schemaVersion)');
}

export const CREDENTIAL_ENV_HELP = `
Environment:
  MTLS_CERT_PATH, MTLS_KEY_PATH, MTLS_CA_PATH   credentials when no flag is given
  MTLS_KEY_PASSPHRASE                           passphrase when --pass is not given
  PREFIX_CERT, PREFIX_KEY, PREFIX_CA, PREFIX_KEY_PASSPHRASE  with --env-prefix PREFIX (win over MTLS_*)
  NO_COLOR, FORCE_COLOR                         colour control; MTLS_DEBUG=1 shows stack traces`;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success        1  the thing checked is wrong (a diagnosis was printed)
  2  invalid input or flags                     3  internal error (please report)`;

/** Parses a positive integer flag value; commander turns the thrown error into a usage error. */
export function parsePositiveInt(name: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`${name} must be a whole number, got '${value}'.`);
    return n;
  };
}

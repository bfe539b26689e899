import { Option, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, CREDENTIAL_ENV_HELP, EXIT_CODES_HELP, parsePositiveInt } from '../options.js';

export function registerInspect(program: Command, runner: Runner): void {
  const inspect = program
    .command('inspect')
    .summary('what a certificate, bundle, key, CSR, PKCS#12 or live endpoint really is')
    .description(
      'Show what each SOURCE really is. A SOURCE is a file, inline PEM, base64, - for stdin, a folder\n' +
        'is not accepted (use `mtls expiry DIR`), or a live endpoint (host:port or https://URL),\n' +
        'whose chain is shown exactly as the server sends it. Keys are described, never printed.',
    )
    .argument('[source...]', 'files, inline PEM, base64, -, host:port or https:// URLs (default: MTLS_CERT_PATH / config)')
    .addOption(new Option('--cert-type <type>', 'force the input format').choices(['PEM', 'DER', 'P12']).argParser((v: string) => v.toUpperCase()))
    .option('--pass <spec>', 'passphrase for encrypted keys and PKCS#12: env:NAME, file:PATH, stdin, or a literal')
    .option('--cert <source>', 'client certificate to present to an endpoint')
    .option('--key <source>', 'its private key')
    .option('--servername <name>', 'SNI name to send to an endpoint (default: the host)')
    .option('--out <file>', 'save the chain a live endpoint presents to FILE as PEM (0644; not over a file without --force)')
    .option('--force', 'replace --out if it exists')
    .option('--connect-timeout <seconds>', 'give up connecting after this many seconds', parsePositiveInt('--connect-timeout'), 10)
    .option('--env-prefix <name>', 'read NAME_CERT, NAME_KEY, NAME_KEY_PASSPHRASE (win over MTLS_*)')
    .option('--config <file>', 'config file (default ./mtls.config.json when present)');
  addJsonOption(inspect);
  inspect.addHelpText(
    'after',
    `
Examples:
  $ mtls inspect server.crt
  $ mtls inspect fullchain.pem                 draws how the bundle links, says what is missing
  $ mtls inspect client.p12 --pass env:P12_PASS
  $ mtls inspect "$CLIENT_CERT_B64"            base64 from a CI variable
  $ cat cert.der | mtls inspect -
  $ mtls inspect example.com:443               the chain the server sends, and whether it asks for a client certificate
  $ mtls inspect api.internal:8443 --out api-chain.pem
  $ mtls inspect https://api.internal:8443 --cert client.crt --key client.key
  $ mtls inspect server.crt --json | jq .sources[0].certificates[0].notAfter
${CREDENTIAL_ENV_HELP}
${EXIT_CODES_HELP}`,
  );
  inspect.action(lazyAction(runner, () => import('../commands/inspect.js')));
}

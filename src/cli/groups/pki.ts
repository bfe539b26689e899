import { Option, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, EXIT_CODES_HELP, parsePositiveInt } from '../options.js';
import { DEFAULT_KEY_TYPE, KEY_TYPES } from '../../core/pki/key-types.js';
import { registerCaOperations } from './ca-operations.js';

const PASS_HELP = `
Passphrases:
  --pass SPEC unlocks (and with --encrypt-key protects) the CA key: env:NAME, file:PATH, stdin, or a
  literal (visible in ps: avoid). Without --pass, MTLS_KEY_PASSPHRASE (or PREFIX_KEY_PASSPHRASE) is used.`;

const collect = (value: string, previous: string[] = []) => [...previous, value];

function addCommonOptions(command: Command): Command {
  command
    .option('--dir <dir>', 'the CA folder', 'pki')
    .option('--force', 'replace existing files (never done without it)')
    .option('--pass <spec>', 'passphrase of the CA key: env:NAME, file:PATH, stdin, or a literal')
    .option('--env-prefix <name>', 'read NAME_KEY_PASSPHRASE (wins over MTLS_KEY_PASSPHRASE)');
  return addJsonOption(command);
}

function addKeyTypeOption(command: Command): Command {
  return command.addOption(new Option('--key-type <type>', 'key to generate').choices([...KEY_TYPES]).default(DEFAULT_KEY_TYPE));
}

function addValidityOptions(command: Command, defaultDays: string): Command {
  return command
    .option('--days <n>', `lifetime in days (default ${defaultDays})`, parsePositiveInt('--days'))
    .option('--not-before <date>', 'start, ISO 8601 (default: now, minus 5 minutes for clock skew)')
    .option('--not-after <date>', 'end, ISO 8601; past dates make an expired certificate, for tests');
}

function addSubjectOptions(command: Command): Command {
  return command.option('--org <name>', 'organization (O) in the subject').option('--ou <name>', 'organizational unit (OU) in the subject');
}

/** `ca`, `issue`, `csr`, `sign`, `p12`, `renew`: a local PKI, one command each. */
export function registerPki(program: Command, runner: Runner): void {
  const ca = program.command('ca').summary('create a CA or an intermediate; trust it, revoke, write CRLs (default folder ./pki)');
  const init = ca
    .command('init')
    .summary('create a root CA: DIR/ca.crt and DIR/ca.key')
    .description('Create a root CA (CA:TRUE, keyCertSign+cRLSign, 10 years) in DIR. An existing CA is never replaced without --force.')
    .option('--cn <name>', 'common name of the CA (default "mtls root CA USER@HOST" and a random tag, so two CAs never share a name)')
    .option('--encrypt-key', 'encrypt ca.key (PKCS#8, AES-256-CBC) with the --pass passphrase');
  addCommonOptions(addSubjectOptions(addValidityOptions(addKeyTypeOption(init), '3650')));
  init.addHelpText('after', `
Examples:
  $ mtls ca init                                   ./pki/ca.crt and ./pki/ca.key
  $ mtls ca init --dir certs --org "Example Dev"
  $ mtls ca init --encrypt-key --pass env:CA_PASS  then every signing command needs --pass env:CA_PASS
${PASS_HELP}
${EXIT_CODES_HELP}`);
  init.action(lazyAction(runner, () => import('../commands/ca-init.js')));

  const intermediate = ca
    .command('intermediate')
    .summary('create an intermediate CA signed by the root; later issuance signs with it')
    .description('Create DIR/intermediate.crt and DIR/intermediate.key (pathlen 0, 5 years, never past the root). From then on `mtls issue` in DIR signs with it and puts it after the leaf in NAME.crt.')
    .option('--cn <name>', 'common name (default "mtls intermediate CA USER@HOST" and a random tag)')
    .option('--encrypt-key', 'encrypt intermediate.key with the --pass passphrase');
  addCommonOptions(addSubjectOptions(addValidityOptions(addKeyTypeOption(intermediate), '1825')));
  intermediate.addHelpText('after', `
Examples:
  $ mtls ca intermediate
  $ mtls ca intermediate --dir certs --pass env:CA_PASS
${PASS_HELP}
${EXIT_CODES_HELP}`);
  intermediate.action(lazyAction(runner, () => import('../commands/ca-intermediate.js')));
  registerCaOperations(ca, runner);

  const issue = program.command('issue').summary('issue a server or client certificate from the CA in --dir');
  for (const profile of ['server', 'client'] as const) {
    const command = issue
      .command(profile)
      .argument('<name>', profile === 'server' ? 'host name (also the first SAN and the file name)' : 'identity: CN=NAME and the file name')
      .summary(profile === 'server' ? 'DIR/NAME.crt + DIR/NAME.key for a TLS server (serverAuth only)' : 'DIR/NAME.crt + DIR/NAME.key for a TLS client (clientAuth only)')
      .description(
        profile === 'server'
          ? 'Issue a server certificate: serverAuth only, SANs = NAME plus every --san, 397 days. NAME.crt holds the leaf then any intermediate.'
          : 'Issue a client certificate: clientAuth only (never serverAuth), CN=NAME, SANs only when given (--san URI:spiffe://… for SPIFFE IDs), 397 days.',
      )
      .option('--san <name>', 'DNS:name, IP:addr, URI:uri or email:addr; bare values are classified (repeatable)', collect)
      .option('--p12', 'also write DIR/NAME.p12 (needs --p12-pass)')
      .option('--p12-pass <spec>', "PKCS#12 password: env:NAME, file:PATH, stdin, or a literal; '' for an empty one, explicitly")
      .option('--legacy', 'PKCS#12 for old readers (3DES, SHA-1 MAC) instead of AES-256 + SHA-256');
    addCommonOptions(addSubjectOptions(addValidityOptions(addKeyTypeOption(command), '397')));
    command.addHelpText('after', profile === 'server' ? `
Examples:
  $ mtls issue server localhost --san 127.0.0.1 --san ::1
  $ mtls issue server api.internal --san '*.api.internal' --days 90
  $ mtls issue server old.test --not-after 2020-01-01        already expired, for tests
${PASS_HELP}
${EXIT_CODES_HELP}` : `
Examples:
  $ mtls issue client alice
  $ mtls issue client alice --p12 --p12-pass env:P12_PASS     also alice.p12 for browsers, Java, curl
  $ mtls issue client workload --san URI:spiffe://example.org/ns/prod/sa/api
${PASS_HELP}
${EXIT_CODES_HELP}`);
    command.action(lazyAction(runner, async () => ({ default: (await import('../commands/issue.js')).issueCommand(profile) })));
  }

  const csr = program
    .command('csr')
    .argument('<name>', 'CN=NAME and the file names')
    .summary('a new key and a certificate request for an enterprise CA: DIR/NAME.key, DIR/NAME.csr')
    .description('Write a new private key DIR/NAME.key and a certificate request DIR/NAME.csr (CN=NAME, the --san names). Send the CSR to your CA, or sign it with a local one: `mtls sign DIR/NAME.csr --server --dir CA_FOLDER`.')
    .option('--san <name>', 'DNS:, IP:, URI: or email: name to request (repeatable)', collect)
    // csr uses no CA: --dir is only where its two files go, and --pass only protects the new key.
    .option('--dir <dir>', 'the folder for NAME.key and NAME.csr (no CA is needed)', 'pki')
    .option('--force', 'replace existing files (never done without it)')
    .option('--encrypt-key', 'encrypt NAME.key (PKCS#8, AES-256-CBC) with the --pass passphrase')
    .option('--pass <spec>', 'with --encrypt-key: the passphrase for NAME.key: env:NAME, file:PATH, stdin, or a literal')
    .option('--env-prefix <name>', 'with --encrypt-key: read NAME_KEY_PASSPHRASE (wins over MTLS_KEY_PASSPHRASE)');
  addJsonOption(addSubjectOptions(addKeyTypeOption(csr)));
  csr.addHelpText('after', `
Examples:
  $ mtls csr api.example.com --san api.example.com --org "Example Inc" --dir .
  $ mtls csr alice --dir certs --encrypt-key --pass env:KEY_PASS
${EXIT_CODES_HELP}`);
  csr.action(lazyAction(runner, () => import('../commands/csr.js')));

  const sign = program
    .command('sign')
    .argument('<csr>', 'the certificate request (PEM or DER)')
    .summary('sign a CSR with the CA in --dir, as a server or client certificate')
    .description('Sign a CSR after checking its signature. Only its subject and the SANs the profile allows are taken; requested extensions (CA:TRUE, key usages) are ignored.')
    .option('--server', 'a server certificate (serverAuth)')
    .option('--client', 'a client certificate (clientAuth)')
    .option('--out <file>', 'where to write the certificate (default: the CSR path with .crt)')
    .option('--san <name>', 'add a name to the requested ones (repeatable)', collect);
  addCommonOptions(addValidityOptions(sign, '397'));
  sign.addHelpText('after', `
Examples:
  $ mtls sign pki/api.csr --server
  $ mtls sign request.pem --client --out alice.crt --days 30
${PASS_HELP}
${EXIT_CODES_HELP}`);
  sign.action(lazyAction(runner, () => import('../commands/sign.js')));

  const p12 = program.command('p12').summary('write and explain PKCS#12 (.p12/.pfx) bundles');
  const exportCommand = p12
    .command('export')
    .summary('bundle a certificate, its chain and key into a PKCS#12 file')
    .description('Write a PKCS#12 file readable by openssl, Node (pfx), curl --cert-type P12, browsers and Java. Default: AES-256-CBC, PBKDF2, SHA-256 MAC; --legacy: 3DES and a SHA-1 MAC.')
    .option('--cert <source>', 'certificate (leaf first; a chain after it is kept)')
    .option('--key <source>', 'its private key')
    .option('--cacert <source>', 'CA certificates to add after the chain')
    .requiredOption('--out <file>', 'the PKCS#12 file to write')
    .option('--pass <spec>', "password of the new file: env:NAME, file:PATH, stdin, or a literal; '' for an empty one, explicitly")
    .option('--key-pass <spec>', 'passphrase of an encrypted --key (else MTLS_KEY_PASSPHRASE)')
    .option('--legacy', 'for old readers: 3DES and a SHA-1 MAC')
    .option('--name <name>', 'friendlyName shown by key stores (default: the CN)')
    .option('--force', 'replace an existing file');
  addJsonOption(exportCommand);
  exportCommand.addHelpText('after', `
Examples:
  $ mtls p12 export --cert pki/alice.crt --key pki/alice.key --out alice.p12 --pass env:P12_PASS
  $ mtls p12 export --cert pki/alice.crt --key pki/alice.key --cacert pki/ca.crt --out alice.pfx --pass file:p12.pass --legacy
${EXIT_CODES_HELP}`);
  exportCommand.action(lazyAction(runner, () => import('../commands/p12-export.js')));

  const inspect = p12
    .command('inspect')
    .argument('<file>', 'the PKCS#12 file')
    .summary('what a PKCS#12 file holds and who can read it (same as `mtls inspect FILE`)')
    .option('--pass <spec>', 'its password: env:NAME, file:PATH, stdin, or a literal');
  addJsonOption(inspect);
  inspect.addHelpText('after', `
Examples:
  $ mtls p12 inspect alice.p12 --pass env:P12_PASS
${EXIT_CODES_HELP}`);
  inspect.action(lazyAction(runner, () => import('../commands/inspect.js')));

  const renew = program
    .command('renew')
    .argument('<cert>', 'the certificate to renew (its key is NAME.key next to it)')
    .summary('reissue a certificate from the same CA; the old pair is kept as NAME.<expiry-date>.crt/.key')
    .option('--reuse-key', 'keep the key (default: a new key of the same type)')
    .option('--dir <dir>', 'the CA folder (default: the certificate\'s folder)')
    .option('--pass <spec>', 'passphrase of the CA key')
    .option('--env-prefix <name>', 'read NAME_KEY_PASSPHRASE (wins over MTLS_KEY_PASSPHRASE)');
  addJsonOption(renew);
  renew.addHelpText('after', `
Examples:
  $ mtls renew pki/localhost.crt                   pki/localhost.<old-expiry>.crt/.key keep the old pair
  $ mtls renew pki/alice.crt --reuse-key
${PASS_HELP}
${EXIT_CODES_HELP}`);
  renew.action(lazyAction(runner, () => import('../commands/renew.js')));
}

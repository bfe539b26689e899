import { Option, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, parsePositiveInt } from '../options.js';

/** The checks a CI pipeline runs: does the key match, is the chain complete and valid, what expires. */
export function registerChecks(program: Command, runner: Runner): void {
  registerMatch(program, runner);
  registerChain(program, runner);
  registerExpiry(program, runner);
}

function registerMatch(program: Command, runner: Runner): void {
  const match = program
    .command('match')
    .summary('does the key belong to the certificate')
    .description(
      'Compare the public key of CERT with the one of KEY (SPKI SHA-256 fingerprints). Any key type,\n' +
        'PEM or DER, encrypted keys with --pass. With one PKCS#12 file, checks that its key and\n' +
        'certificate belong together. When they do not, says which certificate the key does match,\n' +
        "among the files given and the certificates in CERT's folder.",
    )
    .argument('<cert>', 'certificate (or bundle, or PKCS#12): path, inline PEM, base64, or -')
    .argument('[key...]', 'private key(s), and other certificates to try')
    .option('--pass <spec>', 'passphrase for the key or PKCS#12: env:NAME, file:PATH, stdin, or a literal')
    .addOption(new Option('--cert-type <type>', 'force the input format').choices(['PEM', 'DER', 'P12']).argParser((v: string) => v.toUpperCase()));
  addJsonOption(match);
  match.addHelpText(
    'after',
    `
Examples:
  $ mtls match server.crt server.key
  $ mtls match client.crt client.key --pass env:KEY_PASS
  $ mtls match client.p12 --pass env:P12_PASS      key and certificate inside one PKCS#12
  $ mtls match old.crt new.crt new.key             which of the certificates the key belongs to

Exit codes:
  0  the key belongs to the certificate            1  it does not (the key's real match is named)
  2  invalid input or flags                        3  internal error (please report)`,
  );
  match.action(lazyAction(runner, () => import('../commands/match.js')));
}

function registerChain(program: Command, runner: Runner): void {
  const chain = program.command('chain').summary('order and complete a chain; validate a path for a purpose, host and time');
  chain.description('Build a complete, ordered chain from a leaf, or validate one the way a TLS peer would.');
  chain.addHelpText(
    'after',
    `
Examples:
  $ mtls chain build server.crt --from intermediates/ --out fullchain.pem
  $ mtls chain verify fullchain.pem --cacert ca.crt --purpose server --host api.internal`,
  );

  const build = chain
    .command('build')
    .summary('order leaf → intermediates (→ root) from candidate files, folders and AIA URLs')
    .description(
      'Put LEAF first and each issuer after it, taken from the certificates after the leaf in its own\n' +
        'file, from --from files and folders, and with --fetch from the AIA caIssuers URLs. The ordered\n' +
        'PEM goes to stdout (or --out); the chain drawn and what is missing, extra or duplicated to stderr.',
    )
    .argument('<leaf>', 'leaf certificate or bundle (leaf first or in any order)')
    .option('--from <source...>', 'files or folders holding candidate intermediates and roots')
    .option('--fetch', 'download missing issuers from the AIA caIssuers URL of each certificate')
    .option('--fetch-timeout <seconds>', 'give up on a download after this many seconds', parsePositiveInt('--fetch-timeout'), 10)
    .option('--include-root', 'end the chain with the root (servers should not send it)')
    .option('--out <file>', 'write the chain here instead of stdout')
    .option('--force', 'replace --out if it exists');
  addJsonOption(build);
  build.addHelpText(
    'after',
    `
Examples:
  $ mtls chain build server.crt --from /etc/ssl/intermediates/
  $ mtls chain build server.crt --fetch --out fullchain.pem
  $ mtls chain build client.crt --from ca/ --include-root > client-chain.pem

Exit codes:
  0  the chain is complete (up to a root, or an issuer in the system trust store)
  1  it cannot be completed (what is missing is named)
  2  invalid input or flags                        3  internal error (please report)`,
  );
  build.action(lazyAction(runner, () => import('../commands/chain-build.js')));

  const verify = chain
    .command('verify')
    .summary('validate a chain for a purpose, host name and time')
    .description(
      'Validate the path from CERT to a trusted root as a TLS peer does: signatures, validity at --at,\n' +
        'basicConstraints and pathLen, keyUsage of CAs, extendedKeyUsage for the purpose (an\n' +
        "intermediate's EKU constrains its leaves), name constraints of every CA over every certificate\n" +
        'below it, the crypto policy TLS peers enforce (no MD5/SHA-1, RSA 2048+, P-256/384/521),\n' +
        'RFC 5280 profile rules, revocation (--crl), and the host name or IP against subjectAltName\n' +
        '(wildcards cover one left-most label; the subject CN is never used). The path is built from\n' +
        'every candidate with backtracking, so the order of --untrusted does not matter. Certificates after the\n' +
        "leaf in CERT's file are used as intermediates. Without --cacert, Node's bundled Mozilla\n" +
        'root store is trusted, and the verdict says so.',
    )
    .argument('<cert>', 'the certificate to validate (its file may hold the intermediates after it)')
    .option('--cacert <source>', 'trusted root(s) (alias --ca; default: the system trust store)')
    .addOption(new Option('--ca <source>').hideHelp())
    .option('--untrusted <source...>', 'more intermediates (not trusted, used to build the path)')
    .addOption(new Option('--purpose <purpose>', 'what the certificate is for').choices(['client', 'server', 'any']).default('any'))
    .option('--host <name>', 'host name or IP address the certificate must be valid for')
    .option('--email <address>', 'email address the certificate must hold (rfc822Name subjectAltName)')
    .option('--at <time>', 'judge at this time: ISO date (2030-01-01), "now", or an offset (+30d)', 'now')
    .option('--max-depth <n>', 'most intermediates allowed between CERT and the trust anchor', parsePositiveInt('--max-depth'))
    .option('--crl <file>', 'a CRL (PEM or DER) to check revocation against; repeat for more (`mtls ca crl` writes DIR/crl.pem)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--crl-fetch', "download the CRLs named in the path's cRLDistributionPoints (http, bounded in size and time)")
    .option('--fetch', 'download missing intermediates from AIA caIssuers URLs (http, bounded)')
    .option('--fetch-timeout <seconds>', 'give up on a download after this many seconds', parsePositiveInt('--fetch-timeout'), 10)
    .option('--strict', 'treat the pedantic profile rules (warnings otherwise) as errors: see docs/checks.md')
    .option('--no-leaf-key-usage', "do not check the leaf's keyUsage against the TLS role");
  addJsonOption(verify);
  verify.addHelpText(
    'after',
    `
Examples:
  $ mtls chain verify client.crt --cacert ca.crt --purpose client
  $ mtls chain verify fullchain.pem --cacert ca.crt --purpose server --host api.internal
  $ mtls chain verify server.crt --untrusted intermediate.crt --host 10.0.0.7
  $ mtls chain verify server.crt --cacert ca.crt --at +30d       still valid in 30 days?
  $ mtls chain verify pki/alice.crt --cacert pki/ca.crt --crl pki/crl.pem   revoked? (reason and date)
  $ mtls chain verify server.crt --crl-fetch --max-depth 2

Exit codes:
  0  the chain is valid                            1  it is not (the failing link, rule and fix are named)
  2  invalid input or flags                        3  internal error (please report)`,
  );
  verify.action(lazyAction(runner, () => import('../commands/chain-verify.js')));
}

function registerExpiry(program: Command, runner: Runner): void {
  const expiry = program
    .command('expiry')
    .summary('expiry of every certificate in files, folders, bundles and live endpoints')
    .description(
      'List every certificate (leaves, intermediates and roots) in each TARGET, soonest expiry first:\n' +
        'files, folders (recursive; files that are not certificates are counted and passed over),\n' +
        'PEM bundles, PKCS#12 files (with --pass), CRLs (nextUpdate counts as notAfter: peers refuse every\n' +
        'client once it passes), host:port and https:// endpoints (with --cert/--key, the client certificate\n' +
        'presented is reported too). A client certificate of a public CA that stops issuing clientAuth\n' +
        "certificates (Let's Encrypt, DigiCert, Sectigo, Google Trust Services) carries a warning.\n" +
        'Thresholds take a duration (14d, 12h, 2w, 1y) or a share of the lifetime used (80%).',
    )
    .argument('<target...>', 'files, folders, host:port or https:// URLs')
    .option('--warn <threshold>', 'mark certificates expiring within this (or past this share of lifetime)', '30d')
    .option('--fail <threshold>', 'exit 1 when a certificate expires within this (default: only when already expired)', '0')
    .option('--pass <spec>', 'password for PKCS#12 files (and the --key): env:NAME, file:PATH, stdin, or a literal')
    .option('--cert <source>', 'client certificate to present to endpoints; reported with each endpoint as role client')
    .option('--key <source>', 'its private key (not needed when --cert holds it)')
    .addOption(new Option('--format <format>', 'output: text, json (= --json), prometheus (textfile collector), csv').choices(['text', 'json', 'prometheus', 'csv']))
    .option('--concurrency <n>', 'endpoints checked at once', parsePositiveInt('--concurrency'), 16)
    .option('--connect-timeout <seconds>', 'give up on an endpoint after this many seconds', parsePositiveInt('--connect-timeout'), 10);
  addJsonOption(expiry);
  expiry.addHelpText(
    'after',
    `
Examples:
  $ mtls expiry pki/                               every certificate under pki/
  $ mtls expiry certs/ api.internal:443 https://example.com --warn 60d
  $ mtls expiry fullchain.pem --fail 14d           CI: fail two weeks ahead
  $ mtls expiry certs/ --warn 70% --fail 90%       by share of lifetime (suits 90-day certificates)
  $ mtls expiry bundle.p12 --pass env:P12_PASS --json
  $ mtls expiry pki/ pki/crl.pem --format prometheus > /var/lib/node_exporter/textfile/mtls.prom.$$ ; mv /var/lib/node_exporter/textfile/mtls.prom.$$ /var/lib/node_exporter/textfile/mtls.prom
  $ mtls expiry api.internal:443 --cert pki/alice.crt --key pki/alice.key --format csv

Exit codes:
  0  nothing is past --fail                        1  something is (or an endpoint could not be reached)
  2  invalid input or flags                        3  internal error (please report)`,
  );
  expiry.action(lazyAction(runner, () => import('../commands/expiry.js')));
}

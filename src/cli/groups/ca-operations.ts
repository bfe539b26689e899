import type { Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, EXIT_CODES_HELP, parsePositiveInt } from '../options.js';
import { REVOCATION_REASON_NAMES } from '../../core/revocation/reasons.js';

const TRUST_HELP = `
Stores (--store, comma-separated; default all):
  system  Debian/Ubuntu: DIR-named .crt in /usr/local/share/ca-certificates + update-ca-certificates;
          RHEL/Fedora: /etc/pki/ca-trust/source/anchors + update-ca-trust extract;
          macOS: System keychain (security add-trusted-cert); Windows: Root store (certutil -addstore)
  nss     every existing NSS database of $HOME (~/.pki/nssdb for Chrome/Chromium, Firefox profiles), via certutil
  java    the JDK's cacerts (JAVA_HOME or the keytool on PATH; store password "changeit"), or --java-truststore
  node    advice only: Node.js ignores the system store (NODE_EXTRA_CA_CERTS, or node --use-system-ca)
  The CA gets one name everywhere, mtls-<cn>-<sha256 prefix>, so uninstall removes exactly it.

Environment:
  MTLS_TRUST_ROOT   same as --root: take every system path under this folder (a sandbox; tests)`;

/** `ca install`, `ca uninstall`, `ca revoke`, `ca crl`: operating the CA in --dir once certificates are out. */
export function registerCaOperations(ca: Command, runner: Runner): void {
  for (const mode of ['install', 'uninstall'] as const) {
    const command = ca
      .command(mode)
      .summary(mode === 'install' ? 'trust the CA of --dir in the system store, NSS (Firefox/Chrome) and Java truststores' : 'remove the CA of --dir from every store `ca install` put it in')
      .description(
        mode === 'install'
          ? 'Add DIR/ca.crt to each trust store found on this machine and say, per store, what was changed, what\n' +
              'was already so, and what was skipped and why. Running it twice changes nothing the second time.\n' +
              'The system store needs root (sudo). --dry-run prints the exact files and commands and changes nothing.'
          : 'Remove DIR/ca.crt from each trust store (by the name `ca install` gave it) and say what was done.\n' +
              '--dry-run prints the exact files and commands and changes nothing.',
      )
      .option('--dir <dir>', 'the CA folder', 'pki')
      .option('--dry-run', 'print what would change (files, commands) and change nothing')
      .option('--store <list>', 'only these stores: system, nss, java, node (comma-separated)')
      .option('--root <dir>', 'take every system path under DIR (a sandbox; also MTLS_TRUST_ROOT)')
      .option('--java-truststore <file>', 'this Java keystore instead of the JDK\'s cacerts (created by install when missing)');
    addJsonOption(command).addHelpText('after', `${TRUST_HELP}

Examples:
${mode === 'install' ? `  $ sudo mtls ca install                           trust ./pki/ca.crt everywhere
  $ mtls ca install --dry-run                      what it would do
  $ mtls ca install --store nss                    only the browsers' NSS databases (no sudo needed)
  $ mtls ca install --root /tmp/sandbox --store system   a throwaway system store (bundle: /tmp/sandbox/etc/ssl/certs/ca-certificates.crt)` : `  $ sudo mtls ca uninstall
  $ mtls ca uninstall --dry-run`}
${EXIT_CODES_HELP}`);
    command.action(mode === 'install' ? lazyAction(runner, () => import('../commands/ca-install.js')) : lazyAction(runner, () => import('../commands/ca-uninstall.js')));
  }

  const revoke = ca
    .command('revoke')
    .argument('<cert|serial>', 'the certificate (file, inline PEM or -) or its serial number in hex')
    .summary('record a certificate of this CA as revoked (DIR/revoked.json); `ca crl` then signs the list')
    .description(
      'Record a revocation in DIR/revoked.json: serial, reason, date, subject and which CA of the folder\n' +
        'issued it (a certificate file is matched by signature; a bare serial is taken as one of the issuing\n' +
        'CA, the intermediate when there is one). Nothing changes for peers until `mtls ca crl` signs a new CRL.\n' +
        'Revoking again is harmless: it says when it was revoked and changes nothing.',
    )
    .option('--dir <dir>', 'the CA folder', 'pki')
    .option('--reason <reason>', `RFC 5280 reason: ${REVOCATION_REASON_NAMES.join(', ')}`, 'unspecified');
  addJsonOption(revoke).addHelpText('after', `
Examples:
  $ mtls ca revoke pki/alice.crt --reason keyCompromise
  $ mtls ca revoke 3A9F0C1D2E4B5A6978812233445566FF --reason superseded
  $ mtls ca revoke pki/alice.crt && mtls ca crl      revoke, then publish
${EXIT_CODES_HELP}`);
  revoke.action(lazyAction(runner, () => import('../commands/ca-revoke.js')));

  const crl = ca
    .command('crl')
    .summary('sign the CRL of each CA in --dir: DIR/crl.pem (all of them) and DIR/crl.der')
    .description(
      'Sign a CRL per CA of the folder from DIR/revoked.json, with the next cRLNumber (kept in revoked.json),\n' +
        'authorityKeyIdentifier, thisUpdate now and nextUpdate in --days. crl.pem holds every CRL of the folder\n' +
        '(the issuing CA\'s first): give it to nginx (ssl_crl), `mtls serve --crl`, `openssl verify -CRLfile`.\n' +
        'crl.der is the issuing CA\'s alone (for a CRL distribution point); with an intermediate, the root\'s\n' +
        'list (which would name a revoked intermediate) is ca-crl.der. Peers refuse every client once\n' +
        "nextUpdate has passed: run it again well before (`mtls expiry DIR/crl.pem` reports it).",
    )
    .option('--dir <dir>', 'the CA folder', 'pki')
    .option('--days <n>', 'days until nextUpdate (default 30)', parsePositiveInt('--days'), 30)
    .option('--pass <spec>', 'passphrase of the CA key: env:NAME, file:PATH, stdin, or a literal')
    .option('--env-prefix <name>', 'read NAME_KEY_PASSPHRASE (wins over MTLS_KEY_PASSPHRASE)');
  addJsonOption(crl).addHelpText('after', `
Examples:
  $ mtls ca crl                                    pki/crl.pem and pki/crl.der, valid 30 days
  $ mtls ca crl --dir certs --days 7 --pass env:CA_PASS
  $ openssl crl -in pki/crl.pem -noout -text       what it lists
${EXIT_CODES_HELP}`);
  crl.action(lazyAction(runner, () => import('../commands/ca-crl.js')));
}

import type { Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, EXIT_CODES_HELP, parsePositiveInt } from '../options.js';
import { REVOCATION_REASON_NAMES } from '../../core/revocation/reasons.js';

/** `ca revoke`, `ca crl`: operating the CA in --dir once certificates are out. */
export function registerCaOperations(ca: Command, runner: Runner): void {
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
    .summary('sign the CRL(s) of the CA in --dir: DIR/crl.pem (all), DIR/crl.der (issuing CA), DIR/ca-crl.der (root, with an intermediate)')
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

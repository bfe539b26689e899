import type { Catalog } from '../types.js';

/** Operating a CA: revocation and CRLs, trust-store installation, CRL checks of chains. */
export const operationsDiagnoses = {
  MTLS_REVOKE_NOT_ISSUED_HERE: {
    title: 'The certificate was not issued by this CA folder',
    meaning: 'A CA can revoke only the certificates it signed; the certificate given was signed by another CA, so nothing was recorded.',
    causes: ['--dir names another CA folder than the one that issued the certificate', 'The certificate comes from another environment or an enterprise CA'],
    fixes: ['Point at the folder that issued it: `mtls ca revoke CERT --dir DIR` (`mtls inspect CERT` names its issuer).', 'A certificate from another CA is revoked by that CA (its operator, its ACME client).'],
    exit: 2,
  },
  MTLS_REVOCATION_INDEX_INVALID: {
    title: 'The revocation index of the CA folder cannot be read',
    meaning: 'DIR/revoked.json, where `mtls ca revoke` records revocations and `mtls ca crl` keeps the CRL number, is not in the format mtls writes; it was left untouched.',
    causes: ['The file was edited by hand and is no longer valid JSON', 'Another tool wrote a file of that name'],
    fixes: ['Restore it from a backup (it lists every revoked serial), or fix the JSON it holds.'],
    exit: 2,
  },
  MTLS_TRUST_STORE_FAILED: {
    title: 'A trust store could not be changed',
    meaning: 'Installing or removing the CA in one of the trust stores failed; the others were handled as reported.',
    causes: ['The system store needs root: the command ran as an ordinary user', 'The store tool (update-ca-certificates, certutil, keytool) failed; its message is shown', 'The NSS database is locked by a running browser'],
    fixes: ['Run it with the rights the store needs: `sudo mtls ca install --dir DIR`.', 'See exactly what would run: `mtls ca install --dir DIR --dry-run`, then run the failing step by hand.', 'Close Firefox or Chrome and run it again.'],
    exit: 1,
  },
} as const satisfies Catalog;

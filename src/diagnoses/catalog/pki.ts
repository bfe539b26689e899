import type { Catalog } from '../types.js';

/** Making a local PKI: CA folders, names, validity, CSRs, PKCS#12 export, renewal. All exit 2. */
export const pkiDiagnoses = {
  MTLS_CA_NOT_FOUND: {
    title: 'No CA in this folder',
    meaning: 'Issuing, signing and renewing need a CA created by `mtls ca init`: DIR/ca.crt and DIR/ca.key.',
    causes: ['The CA was never created in this folder', 'The command runs from another working directory than `ca init` did', '--dir names another folder'],
    fixes: ['Create one: `mtls ca init --dir DIR`.', 'Or point at the existing one with `--dir`.'],
    exit: 2,
  },
  MTLS_CA_EXISTS: {
    title: 'A CA already exists in this folder',
    meaning: 'Creating a CA again would replace the one every certificate in this folder chains to; it was left untouched.',
    causes: ['`mtls ca init` (or `ca intermediate`) was run before in this folder'],
    fixes: ['Keep using it: `mtls issue server NAME --dir DIR`.', 'Or create the new CA in another folder with `--dir`; `--force` replaces it (certificates issued by the old one stop verifying).'],
    exit: 2,
  },
  MTLS_CA_EXPIRED: {
    title: 'The CA has expired',
    meaning: 'Certificates signed by an expired CA do not verify anywhere.',
    causes: ['The CA was created long ago, or with a short validity for tests'],
    fixes: ['Create a new CA in another folder: `mtls ca init --dir NEWDIR`, and reissue the certificates.'],
    exit: 2,
  },
  MTLS_NAME_INVALID: {
    title: 'Name cannot be used as a file name',
    meaning: 'NAME becomes DIR/NAME.crt and DIR/NAME.key, so it must be a plain name without folders.',
    causes: ['A path was given as NAME', 'The name is empty or starts with a dot'],
    fixes: ['Give a plain name such as `localhost` or `alice`, and choose the folder with `--dir`.'],
    exit: 2,
  },
  MTLS_SAN_INVALID: {
    title: 'Subject alternative name is not valid',
    meaning: 'A --san value is not a DNS name, an IP address, a URI or an email address.',
    causes: ['A typo', 'A URL with spaces, or an IP address with a port'],
    fixes: ['Prefix the type: `--san DNS:api.local`, `--san IP:10.0.0.5`, `--san URI:spiffe://example.org/ns/app`, `--san email:a@example.org`.'],
    exit: 2,
  },
  MTLS_VALIDITY_INVALID: {
    title: 'Validity period is not valid',
    meaning: 'The dates given with --days, --not-before and --not-after do not make a period.',
    causes: ['A date that is not ISO 8601 (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)', '--not-after before --not-before', '--days together with --not-after'],
    fixes: ['Use ISO dates: `--not-after 2030-01-01`; give either --days or --not-after.'],
    exit: 2,
  },
  MTLS_CSR_SIGNATURE_INVALID: {
    title: 'Certificate request signature does not verify',
    meaning: 'The CSR was not signed by the key it carries, so it does not prove possession of that key; it is not signed.',
    causes: ['The CSR was edited after it was made', 'The file was damaged'],
    fixes: ['Make a new CSR: `mtls csr NAME` or `openssl req -new -key KEY -out NAME.csr`.'],
    exit: 2,
  },
  MTLS_CSR_NO_NAME: {
    title: 'Certificate request names no host',
    meaning: 'A server certificate must carry subject alternative names, and the CSR has neither SANs nor a common name to take one from.',
    causes: ['The CSR was made without a subject or SANs'],
    fixes: ['Add names when signing: `mtls sign CSR --server --san DNS:host.example`.'],
    exit: 2,
  },
  MTLS_P12_PASSWORD_REQUIRED: {
    title: 'PKCS#12 password not given',
    meaning: 'A PKCS#12 file holds the private key; it is written only with a password you choose, or with an empty one when you ask for it.',
    causes: ['The password flag was not given: --pass for `p12 export`, --p12-pass for `issue --p12`'],
    fixes: ['Give one without exposing it: `--pass env:P12_PASS` (p12 export) or `--p12-pass env:P12_PASS` (issue --p12), after `export P12_PASS=…`; or `file:PATH`. On a terminal, mtls asks for it.', "An empty password only when you mean it: `--pass ''` / `--p12-pass ''`."],
    exit: 2,
  },
  MTLS_RENEW_UNKNOWN: {
    title: 'Certificate cannot be renewed from this folder',
    meaning: 'Renewal reissues a certificate from the CA that issued it, with its profile; this one was not issued by the CA in DIR, or is not a server or client certificate.',
    causes: ['--dir points at another CA than the one that issued it', 'It is a CA certificate, or has neither serverAuth nor clientAuth'],
    fixes: ['Point at the issuing CA: `mtls renew CERT --dir DIR` (mtls looks for it beside the certificate and names the folder when it finds it).', 'Issue a new one instead: `mtls issue server|client NAME` (peers must trust its CA).'],
    exit: 2,
  },
} as const satisfies Catalog;

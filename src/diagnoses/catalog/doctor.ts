import type { Catalog } from '../types.js';

/** Findings only `mtls doctor` makes; everything else it reports reuses the other domains' codes. */
export const doctorDiagnoses = {
  MTLS_KEY_FILE_PERMISSIONS: {
    title: 'Private key file is readable by other users',
    meaning: 'The file holding the private key grants read access to its group or to everyone, so any local user or process may copy the key and impersonate you.',
    causes: ['It was copied or extracted with the default umask (cp, tar, a CI checkout)', 'It was created by a tool that does not restrict key files'],
    fixes: ['Restrict it to its owner: `chmod 600 KEYFILE`.', 'Keys written by mtls are 0600 from the start: `mtls issue client NAME`.'],
    exit: 1,
  },
  MTLS_PASSPHRASE_ON_COMMAND_LINE: {
    title: 'Passphrase given on the command line',
    meaning: 'A literal --pass value is visible to other users in the process list and stays in shell history and CI logs.',
    causes: ['--pass was given the passphrase itself rather than where to read it'],
    fixes: ['Read it from the environment or a file: `--pass env:KEY_PASS` or `--pass file:/run/secrets/key-pass`.'],
    exit: 1,
  },
  MTLS_KEY_ON_COMMAND_LINE: {
    title: 'Private key given on the command line',
    meaning: 'An inline PEM or base64 private key in --key or --cert is visible to other users in the process list and stays in shell history and CI logs.',
    causes: ['The key was pasted into the command line, or expanded from a variable into it (--key "$KEY")'],
    fixes: ['Read it from standard input (`--key -`), a file readable by its owner only, or the MTLS_KEY_PATH variable (which may hold the PEM or its base64).'],
    exit: 1,
  },
  MTLS_CERT_NO_SAN: {
    title: 'Certificate names its host only in the CN, without subjectAltName',
    meaning: 'Browsers, Go, Node.js and modern OpenSSL clients match a server certificate only against its subjectAltName; a name in the CN alone is ignored, so every client refuses it for any host name.',
    causes: ['It was made with an old recipe (`openssl req -subj /CN=host` without -addext subjectAltName)', 'An internal CA profile that predates RFC 6125'],
    fixes: ['Reissue it with the host names: `mtls issue server NAME --san HOST --san IP`.'],
    exit: 1,
  },
  MTLS_BUNDLE_INCLUDES_ROOT: {
    title: 'The bundle sends the root CA along',
    meaning: 'A peer must already trust the root, so sending it only makes every handshake larger; some peers also reject a chain that ends in a root they do not hold.',
    causes: ['The CA\'s full chain file (leaf, intermediates and root) was used as is'],
    fixes: ['Send the leaf and intermediates only: `mtls chain build CERT --from BUNDLE --out chain.pem` (without --include-root).'],
    exit: 1,
  },
  MTLS_CLIENT_CERT_NOT_REQUESTED: {
    title: 'The server does not ask for a client certificate',
    meaning: 'The server completed the handshake and answered without asking for a client certificate, so mutual TLS is not enforced at this address (a proxy in front may terminate TLS, or client authentication is off).',
    causes: [
      'Client authentication is not enabled (nginx: `ssl_verify_client`; openssl s_server: `-verify`/`-Verify`)',
      'A load balancer or proxy terminates TLS before the server that checks certificates',
      'This host or port is not the mTLS endpoint (another virtual host answered)',
    ],
    fixes: ['Enable client certificate verification on the server (nginx: `ssl_client_certificate ca.crt; ssl_verify_client on;`).', 'Check the host and port: `mtls inspect HOST:PORT`.'],
    exit: 1,
  },
} as const satisfies Catalog;

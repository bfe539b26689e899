import type { Catalog } from '../types.js';

/** What inspection points out about certificates and bundles. These are findings, exit 1 where they end a check. */
export const inspectDiagnoses = {
  MTLS_CERT_EXPIRED: {
    title: 'Certificate has expired',
    meaning: 'The current time is after the certificate\'s notAfter date; every TLS peer will refuse it.',
    causes: ['It was not renewed in time', 'The machine\'s clock is wrong (check with `date -u`)'],
    fixes: ['Renew it: `mtls renew CERT` for certificates from an mtls CA, or ask the issuing CA.', 'See what else expires soon: `mtls expiry DIR`.'],
    exit: 1,
  },
  MTLS_CERT_NOT_YET_VALID: {
    title: 'Certificate is not valid yet',
    meaning: 'The current time is before the certificate\'s notBefore date; peers refuse it until then.',
    causes: ['The clock of this machine (or of the peer) is behind', 'It was issued with a future start date'],
    fixes: ['Check the clocks with `date -u` on both sides (NTP).', 'Reissue it without a future --not-before.'],
    exit: 1,
  },
  MTLS_CERT_EXPIRES_SOON: {
    title: 'Certificate expires soon',
    meaning: 'The certificate is valid now but expires within the warning window.',
    causes: ['Renewal is due'],
    fixes: ['Renew it: `mtls renew CERT`, or request a new one from its CA.', 'Track all of them with `mtls expiry DIR --warn 30d`.'],
    exit: 1,
  },
  MTLS_WEAK_SIGNATURE: {
    title: 'Certificate uses a broken signature algorithm',
    meaning: 'MD5 and SHA-1 signatures can be forged; modern TLS stacks (OpenSSL 3 at level 1+, browsers) refuse them.',
    causes: ['A certificate made with old tooling or an old CA'],
    fixes: ['Reissue it with SHA-256 or better: `mtls issue … ` or your CA\'s current profile.'],
    exit: 1,
  },
  MTLS_WEAK_KEY: {
    title: 'Key is too small',
    meaning: 'RSA keys under 2048 bits are refused by OpenSSL 3 at its default security level and by browsers.',
    causes: ['An old certificate or a test key'],
    fixes: ['Reissue it with an EC P-256 or RSA 2048+ key: `mtls issue client NAME --key-type ec-p256`.'],
    exit: 1,
  },
  MTLS_BUNDLE_OUT_OF_ORDER: {
    title: 'Bundle is out of order',
    meaning: 'TLS expects the leaf first, then each issuer in turn; some peers reject other orders.',
    causes: ['Certificates were concatenated in the wrong order (root first, for instance)'],
    fixes: ['Rebuild it in order: `mtls chain build LEAF --from BUNDLE --out fullchain.pem`.'],
    exit: 1,
  },
  MTLS_BUNDLE_INCOMPLETE: {
    title: 'Bundle lacks an issuer',
    meaning: 'The last certificate on the path is not self-signed and its issuer is not in the bundle. Fine for a leaf plus intermediates if the peer has the root; fatal if an intermediate is missing.',
    causes: ['The intermediate certificate was not appended', 'Only the leaf was copied from the CA\'s download'],
    fixes: ['Complete it: `mtls chain build LEAF --from DIR --fetch --out fullchain.pem`.'],
    exit: 1,
  },
  MTLS_BUNDLE_DUPLICATE: {
    title: 'Bundle holds the same certificate twice',
    meaning: 'A duplicate does no harm to most peers but makes handshakes larger and hides mistakes.',
    causes: ['The leaf or intermediate was appended twice'],
    fixes: ['Remove the copy, or rebuild: `mtls chain build LEAF --from BUNDLE`.'],
    exit: 1,
  },
  MTLS_BUNDLE_EXTRA: {
    title: 'Bundle holds a certificate that is not on the chain',
    meaning: 'A certificate in the bundle is neither the leaf nor one of its issuers.',
    causes: ['An old intermediate left in after the CA changed', 'Two unrelated chains concatenated'],
    fixes: ['Remove it, or rebuild: `mtls chain build LEAF --from BUNDLE`.'],
    exit: 1,
  },
  MTLS_KEY_NOT_IN_BUNDLE: {
    title: 'Key matches none of the certificates beside it',
    meaning: 'A file holds both a private key and certificates, but the key is not the public key of any of them.',
    causes: ['A key and certificate from different renewals were combined'],
    fixes: ['Find the matching certificate: `mtls match CERT KEY`.'],
    exit: 1,
  },
  MTLS_ENDPOINT_UNREACHABLE: {
    title: 'Endpoint could not be reached over TLS',
    meaning: 'No TLS handshake could be completed with the endpoint, so its certificates could not be read.',
    causes: ['Wrong host or port', 'Nothing listens there, or a firewall drops the connection', 'The port speaks plain HTTP, not TLS', 'The host name does not resolve'],
    fixes: ['For a full diagnosis of the connection: `mtls request https://HOST:PORT/ -v`.', 'Check the host and port; `host:port` and `https://host:port` are both accepted.'],
    exit: 1,
  },
} as const satisfies Catalog;

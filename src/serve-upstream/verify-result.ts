import type { ClientIdentity } from '../tls/serve/client-identity.js';

/**
 * OpenSSL's own words for a verify error (X509_verify_cert_error_string), which nginx puts after
 * "FAILED:" in $ssl_client_verify. Node keeps only the error's code on the socket, so the
 * common ones are listed here; any other shows as its code.
 */
const OPENSSL_VERIFY_TEXT: Record<string, string> = {
  UNABLE_TO_GET_ISSUER_CERT: 'unable to get issuer certificate',
  UNABLE_TO_GET_CRL: 'unable to get certificate CRL',
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: "unable to decrypt certificate's signature",
  UNABLE_TO_DECRYPT_CRL_SIGNATURE: "unable to decrypt CRL's signature",
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: 'unable to decode issuer public key',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
  CRL_SIGNATURE_FAILURE: 'CRL signature failure',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CRL_NOT_YET_VALID: 'CRL is not yet valid',
  CRL_HAS_EXPIRED: 'CRL has expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in certificate chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  CERT_CHAIN_TOO_LONG: 'certificate chain too long',
  CERT_REVOKED: 'certificate revoked',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  INVALID_PURPOSE: 'unsupported certificate purpose',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REJECTED: 'certificate rejected',
};

/** nginx's $ssl_client_verify: SUCCESS, NONE (no certificate sent) or FAILED:reason. */
export function verifyResult(client: ClientIdentity): string {
  if (client.verified) return 'SUCCESS';
  if (!client.certificate) return 'NONE';
  const detail = client.notVerifiedBecause?.detail ?? null;
  const text = detail ? (OPENSSL_VERIFY_TEXT[detail] ?? detail) : 'certificate rejected';
  // The code comes from OpenSSL, never from the client; still, a header value holds no controls.
  return `FAILED:${text.replace(/[^\x20-\x7e]/g, '?')}`;
}

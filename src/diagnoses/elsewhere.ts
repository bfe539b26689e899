import type { DiagnosisCode } from './catalog.js';

/**
 * How other tools show the same failure, so a person who met it in curl, openssl or a Node
 * program can find the diagnosis (and the other way round). Kept apart from the catalog: these
 * are other programs' words (OpenSSL 3 and Node 20 wording), not mtls's, and only `mtls explain`
 * reads them. A test checks that every TLS code of the catalog (catalog/tls.ts) has an entry.
 */
export interface SeenElsewhere {
  curl?: string;
  openssl?: string;
  node?: string;
  /** A reverse proxy or server in front (nginx mostly), when it answers at HTTP instead. */
  server?: string;
}

export const seenElsewhere: Partial<Record<DiagnosisCode, SeenElsewhere>> = {
  MTLS_CLIENT_CERT_REQUIRED: {
    curl: 'curl: (56) OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required (TLS 1.2: (35) … sslv3 alert handshake failure)',
    openssl: 's_client: … tlsv13 alert certificate required … SSL alert number 116',
    node: "Error code 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' (TLS 1.2: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE')",
    server: 'nginx: 400 Bad Request "No required SSL certificate was sent"',
  },
  MTLS_CLIENT_CERT_UNKNOWN_CA: {
    curl: 'curl: (56) OpenSSL SSL_read: … tlsv1 alert unknown ca (TLS 1.2: (35) … tlsv1 alert unknown ca)',
    openssl: 's_client: … tlsv1 alert unknown ca … SSL alert number 48',
    node: "Error code 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA'",
    server: 'nginx: 400 Bad Request "The SSL certificate error"; error.log: client SSL certificate verify error: (20:unable to get local issuer certificate)',
  },
  MTLS_CLIENT_CERT_EXPIRED: {
    curl: 'curl: (56) OpenSSL SSL_read: … sslv3 alert certificate expired',
    openssl: 's_client: … sslv3 alert certificate expired … SSL alert number 45',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED'",
    server: 'nginx: 400 "The SSL certificate error"; error.log: (10:certificate has expired)',
  },
  MTLS_CLIENT_CERT_NOT_YET_VALID: {
    curl: 'curl: (56) OpenSSL SSL_read: … sslv3 alert bad certificate (OpenSSL servers send bad_certificate for a date in the future)',
    openssl: 's_client: … sslv3 alert bad certificate … SSL alert number 42',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'",
    server: 'nginx: 400 "The SSL certificate error"; error.log: (9:certificate is not yet valid)',
  },
  MTLS_CLIENT_CERT_WRONG_USAGE: {
    curl: 'curl: (56) OpenSSL SSL_read: … sslv3 alert unsupported certificate',
    openssl: 's_client: … sslv3 alert unsupported certificate … SSL alert number 43',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE'",
    server: 'nginx: 400 "The SSL certificate error"; error.log: (26:unsuitable certificate purpose)',
  },
  MTLS_CLIENT_CERT_REVOKED: {
    curl: 'curl: (56) OpenSSL SSL_read: … sslv3 alert certificate revoked',
    openssl: 's_client: … sslv3 alert certificate revoked … SSL alert number 44',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED'",
    server: 'nginx: 400 "The SSL certificate error"; error.log: (23:certificate revoked)',
  },
  MTLS_CLIENT_CERT_REJECTED: {
    curl: 'curl: (56) OpenSSL SSL_read: … sslv3 alert bad certificate (or: certificate unknown, access denied)',
    openssl: 's_client: … sslv3 alert bad certificate … SSL alert number 42 (46: certificate unknown, 49: access denied)',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' (or 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN', 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED')",
    server: 'nginx: 400 "The SSL certificate error", or 403 Forbidden from a subject rule',
  },
  MTLS_SERVER_CERT_UNTRUSTED: {
    curl: 'curl: (60) SSL certificate problem: unable to get local issuer certificate',
    openssl: 's_client: Verify return code: 20 (unable to get local issuer certificate)',
    node: "Error: unable to get local issuer certificate, code 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'",
  },
  MTLS_SERVER_CERT_SELF_SIGNED: {
    curl: 'curl: (60) SSL certificate problem: self-signed certificate (in certificate chain)',
    openssl: 's_client: Verify return code: 18 (self-signed certificate) or 19 (self-signed certificate in certificate chain)',
    node: "Error: self-signed certificate, code 'DEPTH_ZERO_SELF_SIGNED_CERT' (or 'SELF_SIGNED_CERT_IN_CHAIN')",
  },
  MTLS_SERVER_CHAIN_INCOMPLETE: {
    curl: 'curl: (60) SSL certificate problem: unable to get local issuer certificate',
    openssl: 's_client: Verify return code: 21 (unable to verify the first certificate)',
    node: "Error: unable to verify the first certificate, code 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'",
  },
  MTLS_SERVER_CERT_EXPIRED: {
    curl: 'curl: (60) SSL certificate problem: certificate has expired',
    openssl: 's_client: Verify return code: 10 (certificate has expired)',
    node: "Error: certificate has expired, code 'CERT_HAS_EXPIRED'",
  },
  MTLS_SERVER_NAME_MISMATCH: {
    curl: "curl: (60) SSL: no alternative certificate subject name matches target host name 'HOST'",
    openssl: 's_client -verify_hostname HOST: Verify return code: 62 (hostname mismatch)',
    node: "Error: Hostname/IP does not match certificate's altnames, code 'ERR_TLS_CERT_ALTNAME_INVALID'",
  },
  MTLS_SERVER_CERT_INVALID: {
    curl: 'curl: (60) SSL certificate problem: … (certificate signature failure, unsupported certificate purpose, …)',
    openssl: 's_client: Verify return code: 7 (certificate signature failure), 26 (unsupported certificate purpose), …',
    node: "Error code 'CERT_SIGNATURE_FAILURE', 'INVALID_PURPOSE', 'CERT_NOT_YET_VALID', …",
  },
  MTLS_PLAIN_HTTP: {
    curl: 'curl: (35) OpenSSL/3.0: error:0A00010B:SSL routines::wrong version number',
    openssl: 's_client: … ssl3_get_record:wrong version number',
    node: "Error code 'ERR_SSL_WRONG_VERSION_NUMBER' (or 'ERR_SSL_PACKET_LENGTH_TOO_LONG')",
  },
  MTLS_CONNECTION_REFUSED: {
    curl: "curl: (7) Failed to connect to HOST port PORT after 0 ms: Couldn't connect to server (older: Connection refused)",
    openssl: 's_client: connect:errno=111',
    node: "Error: connect ECONNREFUSED ADDRESS:PORT, code 'ECONNREFUSED'",
  },
  MTLS_HOST_UNREACHABLE: {
    curl: 'curl: (7) Failed to connect to HOST port PORT: No route to host',
    openssl: 's_client: connect:errno=113',
    node: "Error: connect EHOSTUNREACH ADDRESS:PORT, code 'EHOSTUNREACH' (or 'ENETUNREACH')",
  },
  MTLS_DNS_FAILURE: {
    curl: 'curl: (6) Could not resolve host: HOST',
    openssl: 's_client: BIO_lookup_ex:system lib … Name or service not known',
    node: "Error: getaddrinfo ENOTFOUND HOST, code 'ENOTFOUND' (or 'EAI_AGAIN')",
  },
  MTLS_CONNECT_TIMEOUT: {
    curl: 'curl: (28) Failed to connect to HOST port PORT after N ms: Timeout was reached',
    openssl: 's_client waits (no connect timeout of its own)',
    node: "Error code 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT' (fetch), or no error at all: node:https has no connect timeout",
  },
  MTLS_REQUEST_TIMEOUT: {
    curl: 'curl: (28) Operation timed out after N milliseconds with 0 bytes received',
    node: "AbortError / TimeoutError (AbortSignal.timeout), or 'UND_ERR_HEADERS_TIMEOUT' / 'UND_ERR_BODY_TIMEOUT' (fetch)",
  },
  MTLS_CLIENT_CERT_KEY_TOO_WEAK: {
    curl: 'curl: (35) or (56) … sslv3 alert bad certificate (the server says no more than that)',
    openssl: 's_client: …:sslv3 alert bad certificate:…SSL alert number 42; the server logs "EE certificate key too weak"',
    node: "Error: … sslv3 alert bad certificate, code 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE' (mbedTLS servers: unsupported certificate)",
    server: 'nginx: 400 "The SSL certificate error", log "EE certificate key too weak"',
  },
  MTLS_CLIENT_CERT_WEAK_SIGNATURE: {
    curl: 'curl: (35) or (56) … sslv3 alert bad certificate',
    openssl: 's_client: …:sslv3 alert bad certificate; the server logs "ca md too weak" (verify error 68)',
    node: "Error: … code 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'",
    server: 'nginx: 400 "The SSL certificate error", log "CA signature digest algorithm too weak"',
  },
  MTLS_CLIENT_CHAIN_TOO_DEEP: {
    curl: 'curl: an alert from the server, or the HTML of nginx\'s 400 page: nothing names the depth',
    openssl: 's_client: the handshake ends with an alert (Apache: internal error); the server logs "certificate chain too long"',
    node: "Error: … an ERR_SSL_…_ALERT_… code, or HTTP 400 from nginx",
    server: 'nginx: 400 "The SSL certificate error", log "certificate chain too long" (ssl_verify_depth); Apache: internal_error (SSLVerifyDepth)',
  },
  MTLS_SERVER_INTERNAL_ERROR: {
    curl: 'curl: (35) OpenSSL SSL_connect: … tlsv1 alert internal error',
    openssl: 's_client: …:tlsv1 alert internal error:…SSL alert number 80',
    node: "Error: … tlsv1 alert internal error, code 'ERR_SSL_TLSV1_ALERT_INTERNAL_ERROR'",
  },
  MTLS_CLIENT_CERT_POST_HANDSHAKE: {
    curl: 'curl (with OpenSSL) offers post-handshake auth, so it usually gets through where Node cannot',
    openssl: 's_client gets through only with -enable_pha; without it: the 403 page',
    node: 'Node offers no post-handshake auth: the request gets 403, over TLS 1.3 only',
    server: 'Apache: 403 Forbidden, log "Cannot perform Post-Handshake Authentication" (per-directory SSLVerifyClient)',
  },
  MTLS_MISDIRECTED_REQUEST: {
    curl: 'curl -i: HTTP/1.1 421 Misdirected Request (curl exits 0 without --fail)',
    openssl: 's_client: the handshake succeeds; the request gets 421',
    node: 'res.statusCode 421',
    server: 'Apache: 421, log "AH02032: Hostname … provided via SNI and hostname … provided via HTTP have no compatible SSL setup"; nginx: 421 with ssl_verify_client per server block',
  },
  MTLS_CLIENT_CERT_PUBLIC_CA: {
    curl: 'nothing yet: the certificate works until its CA stops issuing it with clientAuth, then an alert (unknown_ca, bad_certificate)',
    openssl: 'x509 -text shows "TLS Web Client Authentication" today; nothing warns about the CA leaving it',
    node: 'nothing: the failure comes at renewal, as a refused certificate',
  },
  MTLS_CLOCK_SKEW: {
    curl: 'curl: (60) SSL certificate problem: certificate is not yet valid (or: has expired), when the clocks are far apart',
    openssl: 's_client: Verify return code: 9 (certificate is not yet valid) or 10 (certificate has expired)',
    node: "Error: certificate is not yet valid, code 'CERT_NOT_YET_VALID'",
  },
  MTLS_TLS_INSPECTION: {
    curl: 'curl: (60) SSL certificate problem: unable to get local issuer certificate (or it passes, when the proxy\'s CA is in the system store)',
    openssl: 's_client: the issuer is the proxy\'s CA (Zscaler, Netskope, …); Verify return code: 20 unless its CA is trusted',
    node: "Error: unable to get local issuer certificate, code 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' (or SELF_SIGNED_CERT_IN_CHAIN)",
  },
  MTLS_PEER_CLOSED_HANDSHAKE: {
    curl: 'curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to HOST:PORT (or: Connection reset by peer)',
    openssl: 's_client: … unexpected eof while reading, or write:errno=104',
    node: "Error: Client network socket disconnected before secure TLS connection was established, code 'ECONNRESET'",
  },
  MTLS_PEER_CLOSED_AFTER_HANDSHAKE: {
    curl: 'curl: (52) Empty reply from server, or (56) Recv failure: Connection reset by peer',
    openssl: 's_client: the session ends (closed) right after the request',
    node: "Error: socket hang up, code 'ECONNRESET' (fetch: 'UND_ERR_SOCKET' other side closed)",
  },
  MTLS_NO_COMMON_PROTOCOL: {
    curl: 'curl: (35) OpenSSL/3.0: error:0A00042E:SSL routines::tlsv1 alert protocol version (or: unsupported protocol)',
    openssl: 's_client: … tlsv1 alert protocol version … SSL alert number 70, or no protocols available',
    node: "Error code 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' (or 'ERR_SSL_UNSUPPORTED_PROTOCOL')",
  },
  MTLS_NO_COMMON_CIPHER: {
    curl: 'curl: (35) OpenSSL/3.0: error:0A000410:SSL routines::sslv3 alert handshake failure',
    openssl: 's_client: … sslv3 alert handshake failure … SSL alert number 40 (the server logs: no shared cipher)',
    node: "Error code 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'",
  },
  MTLS_TLS_HANDSHAKE_FAILED: {
    curl: 'curl: (35) OpenSSL/3.0: error:0A…:SSL routines::…',
    openssl: 's_client: an SSL routines error, often with SSL alert number N',
    node: "Error code 'ERR_SSL_…' (the alert or OpenSSL reason in upper case)",
  },
  MTLS_SERVER_CHAIN_TOO_LARGE: {
    curl: 'curl: (35) OpenSSL/3.0: error:0A000098:SSL routines::excessive message size',
    openssl: 's_client: … excessive message size',
    node: "Error code 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE'",
  },
  MTLS_RESPONSE_TOO_LARGE: {
    curl: 'curl --max-filesize N: (63) Maximum file size exceeded (curl has no limit unless asked)',
    node: 'No limit: the body is read into memory until it ends or memory runs out',
  },
  MTLS_PROXY_FAILED: {
    curl: 'curl: (56) CONNECT tunnel failed, response 502',
    node: "undici ProxyAgent: 'UND_ERR_ABORTED' Proxy response (502) !== 200 when HTTP Tunneling",
  },
  MTLS_PROXY_UNREACHABLE: {
    curl: "curl: (7) Failed to connect to PROXY port PORT after 0 ms: Couldn't connect to server",
    node: "Error: connect ECONNREFUSED ADDRESS:PORT (from the proxy's address)",
  },
  MTLS_PROXY_TLS_FAILED: {
    curl: 'curl: (60) SSL certificate problem: … (about the proxy; curl takes --proxy-cacert / --proxy-insecure)',
    node: "The proxy's certificate error ('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', …)",
  },
  MTLS_PROXY_AUTH_FAILED: {
    curl: 'curl: (56) CONNECT tunnel failed, response 407',
    node: "undici ProxyAgent: Proxy response (407) !== 200 when HTTP Tunneling",
  },
  MTLS_PROXY_UNSUPPORTED: {
    curl: 'curl speaks SOCKS (socks5h://); mtls tunnels through http:// and https:// proxies only',
    node: 'undici ProxyAgent refuses a socks:// proxy URL',
  },
  MTLS_PROXY_INVALID: {
    curl: 'curl: (5) Could not resolve proxy: NAME, or (3) URL rejected: Malformed input to a URL function',
    node: "TypeError: Invalid URL, code 'ERR_INVALID_URL'",
  },
  MTLS_HTTP_ERROR_STATUS: {
    curl: 'curl --fail: (22) The requested URL returned error: 403',
    node: 'fetch resolves with response.ok === false (no error is thrown)',
  },
  MTLS_REQUEST_FAILED: {
    curl: 'curl: (56) Failure when receiving data from the peer, or another transfer error',
    node: "An Error from the socket ('ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', …)",
  },
  MTLS_KEY_CERT_MISMATCH: {
    curl: "curl: (58) unable to set private key file: 'client.key' type PEM",
    openssl: 'error:05800074:x509 certificate routines:X509_check_private_key:key values mismatch',
    node: "Error: error:05800074:x509 certificate routines::key values mismatch, code 'ERR_OSSL_X509_KEY_VALUES_MISMATCH'",
  },
  MTLS_KEY_WRONG_PASSPHRASE: {
    curl: "curl: (58) unable to set private key file: 'client.key' type PEM",
    openssl: 'Could not read private key … error:1C800064:Provider routines::bad decrypt',
    node: "Error: error:1C800064:Provider routines::bad decrypt, code 'ERR_OSSL_BAD_DECRYPT'",
  },
  MTLS_KEY_ENCRYPTED_NO_PASSPHRASE: {
    curl: 'curl prompts "Enter PEM pass phrase:" on a terminal; elsewhere (58) unable to set private key file',
    openssl: 'openssl prompts "Enter pass phrase for client.key:"',
    node: "TypeError: Passphrase required for encrypted key, code 'ERR_MISSING_PASSPHRASE' (TLS: bad decrypt)",
  },
  MTLS_P12_WRONG_PASSWORD: {
    curl: "curl: (58) could not parse PKCS12 file, check password, OpenSSL error error:11800071:PKCS12 routines::mac verify failure",
    openssl: 'pkcs12: Mac verify error: invalid password?',
    node: 'Error: mac verify failure (tls.createSecureContext with pfx and a wrong passphrase)',
  },
};

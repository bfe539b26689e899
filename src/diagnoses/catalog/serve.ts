import type { Catalog } from '../types.js';

/**
 * What `mtls serve` logs about its clients, seen from the server's side: why a client was refused
 * (expired, not-yet-valid, wrong purpose and bad signatures reuse MTLS_CERT_* and MTLS_CHAIN_*),
 * why a handshake failed, and why new credentials were not taken on a reload.
 */
export const serveDiagnoses = {
  MTLS_SERVE_NO_CLIENT_CERT: {
    title: 'A client connected without a client certificate',
    meaning: 'The server asked for a client certificate and the client sent none, so it was refused (answered HTTP 496 "client certificate required").',
    causes: ['The client was not given a certificate (curl: --cert/--key; mtls: --cert/--key or MTLS_CERT_PATH)', 'The client has a certificate but none from a CA this server names in its request, so it chose to send none'],
    fixes: ['Send one: `mtls request URL --cert client.crt --key client.key --cacert ca.crt`.', 'Issue one from the CA this server trusts: `mtls issue client NAME --dir DIR`.'],
    exit: 1,
  },
  MTLS_SERVE_CLIENT_UNKNOWN_CA: {
    title: 'A client certificate was issued by a CA this server does not trust',
    meaning: "The client's certificate does not chain to any CA given with --client-ca, so it was refused (answered HTTP 495).",
    causes: ['The client uses a certificate from another CA (another environment, another team)', 'The client does not send the intermediate CA between its certificate and the trusted root', 'The wrong file was given to --client-ca'],
    fixes: ["Trust the client's CA: add it to the --client-ca file (a bundle may hold several CAs).", 'Or issue the client a certificate from a trusted CA: `mtls issue client NAME --dir DIR`.', 'The client should send its intermediate: `cat client.crt intermediate.crt > client-chain.crt`.'],
    exit: 1,
  },
  MTLS_SERVE_CLIENT_REVOKED: {
    title: 'A client certificate is revoked',
    meaning: 'The certificate is on the revocation list given with --crl, so it was refused.',
    causes: ['The certificate was revoked (replaced, compromised, or its holder left)'],
    fixes: ['The client needs a new certificate: `mtls issue client NAME --dir DIR`.'],
    exit: 1,
  },
  MTLS_SERVE_CRL_PROBLEM: {
    title: 'The revocation list cannot be used to check a client',
    meaning: "With --crl, every certificate in the client's chain is checked against a CRL of its issuer; the CRL was missing for an issuer, expired, or not valid yet.",
    causes: ["The --crl file does not hold the CRL of the CA that issued the client's certificate (or of its intermediate)", 'The CRL is past its nextUpdate date and must be regenerated'],
    fixes: ['Give a CRL for each CA of the chain (concatenate them in one PEM file), and regenerate stale ones: `openssl ca -gencrl`.'],
    exit: 1,
  },
  MTLS_SERVE_CLIENT_CERT_INVALID: {
    title: 'A client certificate failed verification',
    meaning: "The client's certificate chain was refused for a reason other than trust, dates, purpose or revocation.",
    causes: ['A CA in the chain may not issue certificates (no CA:TRUE or no keyCertSign)', 'The chain is longer than a CA allows', 'The certificate uses a signature algorithm or key size the server refuses'],
    fixes: ['Check the chain as the server does: `mtls chain verify client.crt --cacert ca.crt --purpose client`.'],
    exit: 1,
  },
  MTLS_SERVE_PLAIN_HTTP: {
    title: 'A client spoke plain HTTP to the TLS port',
    meaning: 'The first bytes were an HTTP request, not a TLS hello: the client used http:// instead of https://.',
    causes: ['The URL starts with http:// instead of https://'],
    fixes: ['Use the https:// URL that serve printed.'],
    exit: 1,
  },
  MTLS_SERVE_NO_COMMON_PROTOCOL: {
    title: 'A client offered no TLS version this server accepts',
    meaning: 'The client offers only TLS versions that the server does not speak (Node accepts TLS 1.2 and 1.3).',
    causes: ['An old client (TLS 1.0/1.1 only)', 'A client pinned to a version the server does not allow'],
    fixes: ['Let the client use TLS 1.2 or 1.3 (curl: --tlsv1.2).'],
    exit: 1,
  },
  MTLS_SERVE_NO_COMMON_CIPHER: {
    title: 'A client offered no cipher suite this server accepts',
    meaning: "None of the client's cipher suites is usable with this server's key and settings.",
    causes: ['The client allows only legacy suites', "The client's suites do not fit the server's key type (ECDSA-only suites with an RSA key, or the other way round)"],
    fixes: ['Let the client offer modern suites (ECDHE with AES-GCM or ChaCha20).'],
    exit: 1,
  },
  MTLS_SERVE_CLIENT_REFUSED_SERVER: {
    title: "A client refused this server's certificate",
    meaning: 'The client ended the handshake with an alert about the server certificate: it does not trust it, or it does not match the name the client connected to.',
    causes: ["The client does not trust this server's CA (curl and mtls need --cacert CA for a private CA)", "The client connected with a name that is not in the server certificate's SANs"],
    fixes: ['Give the client the CA: `mtls request URL --cacert ca.crt …` or `curl --cacert ca.crt …`.', 'Issue the server certificate for the name clients use: `mtls issue server NAME --san 127.0.0.1`.'],
    exit: 1,
  },
  MTLS_SERVE_HANDSHAKE_FAILED: {
    title: 'A TLS handshake with a client failed',
    meaning: 'A client connected but the TLS handshake did not complete, for a reason that names no single cause (the client hung up, or sent an alert).',
    causes: ['The client gave up (a timeout, a port probe, or a health check that only opens TCP)', 'The client refused something in the handshake and said so with an alert'],
    fixes: ['Look at the client side: `mtls request URL -v --cert client.crt --key client.key --cacert ca.crt`.'],
    exit: 1,
  },
  MTLS_SERVE_RELOAD_REFUSED: {
    title: 'New server credentials were refused; the previous ones keep serving',
    meaning: 'A reload (file change under --watch, or SIGHUP) read certificate, key or client CA files that cannot be used, so the server kept the credentials it had.',
    causes: ['A file was caught half-written or the certificate and key were replaced one at a time (the next change reloads again)', 'The new key does not belong to the new certificate', 'A file is not a certificate or key at all'],
    fixes: ['Check the new pair: `mtls match server.crt server.key`.', 'Replace files atomically: write a temporary file, then `mv` it over the old one.'],
    exit: 1,
  },
  MTLS_SERVE_LISTEN_FAILED: {
    title: 'The server cannot listen on this address',
    meaning: 'Binding the host and port failed: the port is taken, needs privileges, or the address is not on this machine.',
    causes: ['Another process listens on the port', 'Ports below 1024 need privileges', 'The --host address does not belong to this machine'],
    fixes: ['Pick another port, or let the system choose one: `--port 0`.', 'See who holds the port: `ss -ltnp | grep :PORT`.'],
    exit: 2,
  },
  MTLS_SERVE_UPSTREAM_INVALID: {
    title: 'The --upstream value is not a plain-HTTP URL of an app',
    meaning: '`mtls serve --upstream URL` terminates mTLS and forwards each request over plain HTTP to the app at URL, so URL must be `http://HOST:PORT` (no path, query, user name or password).',
    causes: ['The value is not a URL (a bare port or host:port without `http://`)', 'The URL uses https:// or another scheme: the app behind the sidecar speaks plain HTTP on its own port', 'The URL carries a path, a query or credentials, which the sidecar would not send'],
    fixes: ['Point it at the app\'s plain-HTTP port: `mtls serve --upstream http://127.0.0.1:3000 --cert server.crt --key server.key --client-ca ca.crt`.'],
    exit: 2,
  },
  MTLS_SERVE_UPSTREAM_UNREACHABLE: {
    title: 'The app behind mtls serve --upstream did not answer',
    meaning: 'The client was accepted, but the request could not be forwarded: the upstream app refused the connection, was not there, hung up, or sent no valid HTTP answer. The client got HTTP 502 with this code.',
    causes: ['The app is not running, or listens on another port or address than --upstream names', 'The app crashed or closed the connection while answering', 'The app speaks HTTPS (or something other than HTTP/1.1) on that port'],
    fixes: ['Start the app on the --upstream address and check it answers: `curl -v http://127.0.0.1:3000/` (the URL given to --upstream).', 'See who listens there: `ss -ltnp | grep :3000`.'],
    exit: 1,
  },
  MTLS_DEMO_STEP_FAILED: {
    title: 'A demo step did not behave as expected',
    meaning: '`mtls demo` runs a server and four requests whose outcome is known in advance; one of them came out differently, which points at this machine (a port, a firewall, a TLS library) or at a bug.',
    causes: ['Something on this machine interferes with connections to 127.0.0.1', 'A bug in mtls'],
    fixes: ['Run it again with `MTLS_DEBUG=1 mtls demo` and report the output to the mtls maintainers.'],
    exit: 1,
  },
} as const satisfies Catalog;

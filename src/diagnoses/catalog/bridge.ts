import type { Catalog } from '../types.js';

/**
 * What `mtls bridge` answers itself, before a request goes upstream: a missing or wrong token,
 * a Host that is not this machine's, a path no route covers, and why it cannot start. What the
 * upstream's handshake refuses is the same diagnosis `mtls request` gives (MTLS_CLIENT_CERT_*,
 * MTLS_SERVER_CERT_*), answered as HTTP 502.
 */
export const bridgeDiagnoses = {
  MTLS_BRIDGE_TOKEN_REQUIRED: {
    title: "The bridge was called without its token",
    meaning: 'mtls bridge adds a client certificate to whatever it forwards, so it answers only requests that carry the random token it printed at start (as the first path segment or the x-mtls-bridge-token header). This one carried none, or a wrong one: HTTP 403.',
    causes: ['The base URL was copied without the token segment (http://127.0.0.1:PORT/TOKEN/…)', 'The bridge was restarted: every start makes a new token', 'Another local program tried to use the bridge'],
    fixes: ['Use the URLs the bridge printed on stdout when it started (they hold the token).', 'Or send the token as a header: `curl -H "x-mtls-bridge-token: $TOKEN" http://127.0.0.1:PORT/…`.'],
    exit: 1,
  },
  MTLS_BRIDGE_HOST_REFUSED: {
    title: 'The bridge refused a request for another host name',
    meaning: "A bridge on a loopback address answers only requests whose Host is this machine (127.0.0.1, localhost, [::1]). Another name means a web page reached it through DNS rebinding, or a client was pointed at it by a name it does not answer to: HTTP 403.",
    causes: ['A web page in a browser tried to reach the bridge under its own domain name (DNS rebinding)', 'A client sets its own Host header'],
    fixes: ['Point the client at http://127.0.0.1:PORT/… (the URL the bridge printed).'],
    exit: 1,
  },
  MTLS_BRIDGE_NO_ROUTE: {
    title: 'No bridge route covers this path',
    meaning: 'The bridge forwards a request by the start of its path (each --route /prefix=URL); this path matches none of them: HTTP 404.',
    causes: ['The route prefix is missing from the base URL (…/TOKEN/openai, not …/TOKEN)', 'The bridge was started with other routes'],
    fixes: ['Use a URL the bridge printed, or add the route: `mtls bridge --route /PREFIX=https://host:port/…`.'],
    exit: 1,
  },
  MTLS_BRIDGE_NOT_LOOPBACK: {
    title: 'The bridge would listen beyond this machine',
    meaning: 'mtls bridge lends its client certificate to anyone who can reach its port, so it listens on a loopback address unless told otherwise with --allow-remote.',
    causes: ['--listen names an address other machines can reach (0.0.0.0, a LAN address)'],
    fixes: ['Listen on loopback: `--listen 127.0.0.1:0`.', 'If other machines (or containers) really must use it, add `--allow-remote` and keep the token on.'],
    exit: 2,
  },
  MTLS_BRIDGE_LISTEN_FAILED: {
    title: 'The bridge cannot listen on this address',
    meaning: 'Binding the --listen address failed: the port is taken, needs privileges, or the address is not on this machine.',
    causes: ['Another process listens on the port', 'Ports below 1024 need privileges', 'The address does not belong to this machine'],
    fixes: ['Let the system choose a port: `--listen 127.0.0.1:0`.', 'See who holds the port: `ss -ltnp | grep :PORT`.'],
    exit: 2,
  },
} as const satisfies Catalog;

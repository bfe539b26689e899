import type { Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addJsonOption, EXIT_CODES_HELP, parsePositiveInt } from '../options.js';

/** `serve`: a local mTLS test server; `demo`: the whole story on this machine. */
export function registerServe(program: Command, runner: Runner): void {
  const serve = program
    .command('serve')
    .summary('a local mTLS HTTPS test server that shows who connected and why a client was refused')
    .description(
      'An HTTPS server that requires a client certificate (with --optional it only asks for one). Every request\n' +
        'gets a JSON echo of the client identity: subject, SANs (SPIFFE ID), issuer, serial, SHA-256 fingerprint,\n' +
        'validity, whether it was verified, TLS version and cipher. A refused client gets HTTP 496 (no certificate)\n' +
        'or 495 (certificate refused) with the reason, and the log on stderr says why, in plain words.\n' +
        'With --upstream http://127.0.0.1:3000 it is a sidecar instead: every accepted request (bodies, server-sent\n' +
        'events and WebSockets streamed both ways) goes to that plain-HTTP app with the verified identity in\n' +
        'X-SSL-Client-Verify/-S-DN/-I-DN/-Serial/-Fingerprint/-Cert (as nginx sets them) and x-forwarded-client-cert\n' +
        "(Envoy's); any such header the client sent is removed. An unreachable app gives the client a 502 with the reason.\n" +
        'stdout carries the URL line once the server listens, so scripts can read it; logs go to stderr.',
    )
    .option('--cert <source>', "the server's certificate (leaf first, then intermediates): path, inline PEM, base64, PKCS#12")
    .option('--key <source>', 'its private key (not needed when --cert holds it)')
    .option('--client-ca <source>', 'the CA(s) whose client certificates are accepted (a bundle may hold several)')
    .option('--pass <spec>', 'passphrase of the key: env:NAME, file:PATH, or a literal (visible in ps: avoid)')
    .option('--port <n>', 'port to listen on; 0 picks a free one', parsePositiveInt('--port'), 8443)
    .option('--host <address>', 'address to listen on (anything but loopback exposes the server)', '127.0.0.1')
    .option('--optional', 'request a client certificate but serve clients without one (or with a refused one) too')
    .option('--watch', 'reload certificate, key, client CA and CRL when their files change (SIGHUP always reloads)')
    .option('--crl <file>', 'check client certificates against this CRL (PEM or DER; one per CA of the chain)')
    .option('--upstream <url>', 'forward accepted requests to this plain-HTTP app (http://HOST:PORT) with the verified identity in headers: a sidecar');
  addJsonOption(serve).addHelpText(
    'after',
    `
  With --json, stdout carries one JSON object per line per event (listening, request, refused,
  handshake-failed, probe, reloaded, reload-refused, closing, closed), each with schemaVersion;
  with --upstream, upstream-failed for a request the app did not answer (the client got 502).

Examples:
  $ mtls serve --cert pki/localhost.crt --key pki/localhost.key --client-ca pki/ca.crt
  $ mtls serve --cert pki/localhost.crt --key pki/localhost.key --client-ca pki/ca.crt --port 0 --watch
  $ URL=$(mtls serve --cert … --key … --client-ca … --port 0 | head -1)   the URL line, for scripts
  $ mtls serve … --json | jq -c 'select(.event == "refused") | {code, reason}'
  $ mtls serve --cert pki/localhost.crt --key pki/localhost.key --client-ca pki/ca.crt --upstream http://127.0.0.1:3000
                                              a sidecar in front of the app on port 3000 (docs/bridge.md)
  $ mtls serve … --upstream http://127.0.0.1:3000 --optional --watch
                                              clients without a certificate reach the app too (X-SSL-Client-Verify: NONE)
  $ kill -HUP <pid>                           reload the credentials now
${EXIT_CODES_HELP}
  (a running server exits 0 on SIGINT/SIGTERM, after finishing the requests in flight)`,
  );
  serve.action(lazyAction(runner, () => import('../commands/serve.js')));

  const demo = program
    .command('demo')
    .summary('the whole story on this machine: throwaway PKI, server, a good request, typical failures')
    .description(
      'Creates a throwaway PKI in a temporary folder, starts `mtls serve` on a random loopback port, makes a\n' +
        'good request and shows the identity the server saw, then three typical failures (no client certificate,\n' +
        'a certificate from another CA, an expired certificate) with the diagnosis `mtls request` gives and what\n' +
        'the server logged. Removes everything at the end. Exit 0 when every step behaved as expected.',
    );
  addJsonOption(demo).addHelpText(
    'after',
    `
Examples:
  $ mtls demo
  $ npm start                                 the same, after building
  $ mtls demo --json | jq '.steps[] | {id, passed, code: .diagnosis.code}'
${EXIT_CODES_HELP}`,
  );
  demo.action(lazyAction(runner, () => import('../commands/demo.js')));
}

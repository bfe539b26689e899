import { InvalidArgumentError, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addCredentialOptions, addJsonOption, CREDENTIAL_ENV_HELP, EXIT_CODES_HELP } from '../options.js';

/** Seconds as curl takes them: whole or fractional, positive. */
function parseSeconds(name: string): (value: string) => number {
  return (value: string) => {
    const seconds = Number(value);
    if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError(`${name} takes a number of seconds greater than 0, got '${value}'.`);
    return seconds;
  };
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function registerRequest(program: Command, runner: Runner): void {
  const request = program
    .command('request')
    .summary('a curl-like HTTPS request with a client certificate, and a diagnosis when it fails')
    .description(
      'Send one HTTPS request with a client certificate, like curl, and when it fails say what happened, ' +
        'why (ranked by what your certificate and the server show) and what to run next. Success means a ' +
        'response was read: in TLS 1.3 the server judges the client certificate after the handshake.',
    )
    .argument('<url>', 'https:// URL to request')
    .option('-X, --request <method>', 'HTTP method (default GET, or POST with a body)')
    .option('-H, --header <header>', 'extra header "Name: value" (repeatable)', collect)
    .option('-d, --data <data>', 'request body; @FILE reads a file, @- standard input')
    .option('--data-json <body>', "JSON body with JSON Content-Type and Accept headers, implies POST; @FILE, @- (curl's --json BODY, which works too: see below)")
    .option('-o, --output <file>', 'write the response body to FILE instead of stdout (a new file is 0600; an existing one keeps its mode)')
    .option('-i, --include', 'print the status line (HTTP/1.1 200 OK) and response headers before the body')
    .option('-v, --verbose', 'timings, TLS, the server chain, what it asked of the client, and the request (>) and response (<) headers, on stderr (secrets redacted)')
    .option('-s, --silent', 'no notes, progress or diagnosis on stderr, as curl -s (the exit code still tells; see below)')
    .option('-S, --show-error', 'with -s, still print the diagnosis when the request fails (as curl -sS)')
    .option('-w, --write-out <format>', 'print FORMAT on stdout when done: curl\'s %{http_code}, %{time_total}, … (below)')
    .option('-k, --insecure', 'do not verify the server certificate (says so loudly; never in production)')
    .option('--servername <name>', 'SNI name, also the name the server certificate must match (default: the URL host)')
    .option('--resolve <host:port:address>', 'connect to ADDRESS for HOST:PORT, keeping the name (repeatable)', collect)
    .option('--connect-timeout <seconds>', 'give up when TCP and TLS are not done within this time', parseSeconds('--connect-timeout'))
    .option('--max-time <seconds>', 'give up when the whole request is not done within this time', parseSeconds('--max-time'))
    .option('--fail', 'an HTTP status of 400 or more is a failure (exit 1)')
    .option('-x, --proxy <url>', 'tunnel through this http:// or https:// proxy (overrides HTTPS_PROXY; "" for none)')
    .option('--noproxy <hosts>', 'comma-separated hosts that bypass the proxy ("*" for all; overrides NO_PROXY)')
    .option('--proxy-cacert <file>', 'CA that verifies an https:// proxy (the server keeps --cacert; default: public roots)')
    .option('--proxy-insecure', 'do not verify an https:// proxy certificate (says so loudly; never in production)');
  addCredentialOptions(request);
  addJsonOption(request);
  request.addHelpText(
    'after',
    `
Examples:
  $ mtls request https://api.internal:8443/ --cert client.crt --key client.key --cacert ca.crt
  $ mtls request https://api.internal:8443/health -v --cert client.p12 --pass env:P12_PASS
  $ mtls request https://api.internal:8443/items --json '{"name":"a"}' --env-prefix API
  $ mtls request https://api.internal:8443/health -sS -o /dev/null -w '%{http_code} %{time_total}s\\n'
  $ mtls request https://api.internal:8443/ --resolve api.internal:8443:10.0.0.7 --fail -o out.json
  $ mtls request https://api.internal:8443/ --json | jq .diagnosis.code

--json BODY (curl 7.82+) or --json (mtls's JSON output): followed by JSON
  ({…}, […], "…", a number, true/false/null), @FILE or @-, or written
  --json=BODY, it is curl's: the body, JSON Content-Type and Accept, POST.
  Last, before an option or before the URL, it is the JSON output.
  --data-json BODY is always the body.

-s, -S: -s hides notes, progress and the diagnosis (as curl -s hides errors);
  the exit code still tells, and --json still prints its document. -sS shows
  the diagnosis again. Warnings that verification is off stay.

-w FORMAT (or @FILE, @-), curl's variables: %{http_code} %{response_code}
  %{http_version} %{method} %{time_namelookup} %{time_connect}
  %{time_appconnect} %{time_pretransfer} %{time_starttransfer} %{time_total}
  (seconds) %{size_download} %{url} %{url_effective} %{remote_ip}
  %{remote_port} %{ssl_verify_result} %{content_type} %{num_redirects} (0: no
  redirects are followed) %{exitcode} %{errormsg} %{json} %header{NAME};
  escapes \\n \\r \\t; %% is a %.
${CREDENTIAL_ENV_HELP}
  HTTPS_PROXY, ALL_PROXY, NO_PROXY              tunnel through an http:// or https:// proxy (CONNECT; SOCKS is
                                                refused); mTLS stays end to end, the proxy sees neither side
${EXIT_CODES_HELP}
  An HTTP error status exits 0, as in curl, unless --fail; a refusal of the
  client certificate by a proxy's 400/403/495/496 page is diagnosed, exit 1.`,
  );
  request.action(lazyAction(runner, () => import('../commands/request.js')));
}

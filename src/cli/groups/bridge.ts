import { Option, type Command } from 'commander';
import { lazyAction, type Runner } from '../action.js';
import { addCredentialOptions, addJsonOption, CREDENTIAL_ENV_HELP, EXIT_CODES_HELP } from '../options.js';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `bridge`: a loopback HTTP listener that adds the client certificate upstream. */
export function registerBridge(program: Command, runner: Runner): void {
  const bridge = program
    .command('bridge')
    .summary('a loopback HTTP bridge that adds your client certificate upstream, for tools with no place for one')
    .description(
      'Listens for plain HTTP on 127.0.0.1 and forwards each request to an mTLS upstream with your client\n' +
        'certificate (like ghostunnel in client mode, or stunnel), so an SDK, an editor or an MCP client that\n' +
        'cannot hold a certificate can still reach the service. Request and response bodies stream both ways\n' +
        '(uploads, chunked responses, server-sent events, WebSocket upgrades); upstream connections are kept alive.\n' +
        'Every request must carry a random token, made at start: first in the path (…/TOKEN/…), or in the\n' +
        'x-mtls-bridge-token header; without it the answer is 403. stdout carries the ready-to-paste URLs.\n' +
        'A refused handshake upstream answers 502 with the diagnosis as JSON (the code `mtls request` gives)\n' +
        'and one log line on stderr. Replaced certificate files are used for new upstream connections, with no\n' +
        'restart; SIGHUP re-reads them at once.',
    )
    .option('--to <url>', 'the upstream for every path: https://host:port[/base/path]')
    .option('--route <prefix=url>', 'forward /PREFIX/… to URL (repeatable); URL may be a target of mtls.config.json (TARGET[/path])', collect)
    .option('--listen <host:port>', 'address to listen on; port 0 picks a free one', '127.0.0.1:0')
    .option('--allow-remote', 'allow a --listen address other than loopback (others can then reach your certificate: keep the token)')
    .addOption(new Option('--no-token', 'accept requests without the token (every local program can then use your certificate)'))
    .option('-q, --quiet', 'log only failures, refusals and reloads (not every request)');
  addCredentialOptions(bridge);
  addJsonOption(bridge);
  bridge.addHelpText(
    'after',
    `
  With --json, stdout carries one JSON line once listening (url, token, routes, env) and stderr one JSON
  object per line per event (request, refused, upstream-failed, client-gone, reloaded, reload-refused,
  closing, closed), each with schemaVersion. Logs never show the token, headers or query strings.

Examples:
  $ mtls bridge --to https://api.internal:8443 --cert client.crt --key client.key --cacert ca.crt
  $ mtls bridge --route /openai=https://llm.corp/v1 --route /mcp=https://mcp.corp/mcp --env-prefix CORP
  $ mtls bridge --route /llm=llm.corp/v1 --config mtls.config.json     a config target's credentials
  $ URL=$(mtls bridge --to https://api.internal:8443 --cert … --key … | head -1)   base URL with the token
  $ OPENAI_BASE_URL=$URL my-agent                                     an SDK through the bridge
  $ kill -HUP <pid>                                                   re-read the credentials now
${CREDENTIAL_ENV_HELP}
${EXIT_CODES_HELP}
  (a running bridge exits 0 on SIGINT/SIGTERM, after giving open responses a moment to finish)`,
  );
  bridge.action(lazyAction(runner, () => import('../commands/bridge.js')));
}

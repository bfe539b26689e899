import type { CommandAction } from '../action.js';
import { httpRefusalCheck, newBridgeToken, startBridge, type BridgeRoute } from '../../bridge/index.js';
import type { CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { createMtlsAgent } from '../../lib/agent.js';
import { loadTlsMaterial } from '../../lib/material.js';
import type { MtlsCredentials } from '../../lib/options.js';
import { bridgeEventJsonLine, renderBridgeEvent, type BridgeLogEvent } from '../../render/bridge.js';
import { isLoopbackHost } from '../../tls/serve/loopback.js';
import type { Context } from '../context.js';
import { resolvePassphrase } from '../credentials.js';
import { parseListen, parseRoutes, readsStdin, routeCredentials } from './bridge-setup.js';
import { readyLines } from './bridge-ready.js';

interface BridgeFlags extends CredentialFlags {
  to?: string;
  route?: string[];
  listen: string;
  allowRemote?: boolean;
  token: boolean;
  quiet?: boolean;
  json?: boolean;
}

const bridge: CommandAction<BridgeFlags> = async (_args, flags, given) => {
  const { onSignal } = given.io;
  const log = (event: BridgeLogEvent) => {
    if (flags.quiet && (event.event === 'request' || event.event === 'client-gone')) return;
    given.io.stderr.write(given.json ? bridgeEventJsonLine(event) : renderBridgeEvent(event, given.err));
  };
  // With --json, stderr is JSON Lines only: notes and warnings (the shared loader's too) become events.
  const ctx: Context = given.json
    ? { ...given, note: (message) => log({ event: 'note', at: new Date().toISOString(), message }), warn: (message) => log({ event: 'warning', at: new Date().toISOString(), message }) }
    : given;
  if (!onSignal) throw new MtlsError('MTLS_USAGE', 'mtls bridge runs until SIGINT or SIGTERM, and this terminal cannot deliver them.');
  const routes = await parseRoutes(flags.to, flags.route ?? [], flags.config, ctx.io.cwd);
  const listen = parseListen(flags.listen);
  if (!isLoopbackHost(listen.host)) {
    if (!flags.allowRemote) {
      throw new MtlsError('MTLS_BRIDGE_NOT_LOOPBACK', `--listen ${flags.listen} is not a loopback address: anyone who reaches it could use your client certificate.`);
    }
    ctx.warn(ctx.err.red.bold(`--listen ${flags.listen} is not a loopback address: every machine that reaches it and has the token can use your client certificate.`));
  }
  const token = flags.token === false ? null : newBridgeToken();
  if (token === null) ctx.warn(ctx.err.red.bold('--no-token: every program on this machine (and web pages it visits, through the browser) can send requests with your client certificate.'));

  const targets = await upstreamTargets(flags, ctx, routes);
  const agent = createMtlsAgent({
    targets,
    // Only the routes' origins are ever dispatched; nothing else may borrow a certificate.
    unmatchedOrigins: 'no-client-certificate',
    watch: { intervalMs: 1000 },
    cwd: ctx.io.cwd,
    onReload: ({ target, files }) => log({ event: 'reloaded', at: new Date().toISOString(), target, files }),
    onReloadError: (error, target) => log({ event: 'reload-refused', at: new Date().toISOString(), target, code: error.code, title: error.title }),
  });
  let running;
  try {
    running = await startBridge({
      host: listen.host,
      port: listen.port,
      routes,
      token,
      dispatcher: agent,
      onEvent: log,
      // The files are read again at the moment of a refusal: rotation may have replaced them.
      refusalCheck: (route) => httpRefusalCheck(route.upstream, () => loadTlsMaterial(targets[route.upstream.origin] ?? {}, null, ctx.io.cwd).then((m) => ({ clientChain: m.clientChain, trustedCas: m.trustedCas, ...(m.servername ? { servername: m.servername } : {}) }))),
    });
  } catch (error) {
    await agent.destroy();
    throw error;
  }
  for (const line of readyLines(running.origin, token, routes, ctx.json)) ctx.print(line);
  if (!ctx.json) {
    for (const route of routes) ctx.note(`${ctx.err.dim('route')} ${route.prefix} → ${route.upstream.href}`);
    if (token) ctx.note(ctx.err.dim(`The token (the path segment after the port) is required on every request, in the path or the x-mtls-bridge-token header; it changes on every start. Keep these URLs private.`));
  }
  const signal = await untilStopped(onSignal, () => void agent.reload());
  log({ event: 'closing', at: new Date().toISOString(), signal });
  await running.close();
  // In-flight requests were ended by the bridge's close; the upstream connections go now.
  await Promise.race([agent.close(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  await agent.destroy();
  log({ event: 'closed', at: new Date().toISOString() });
  return 0;
};

/** The credentials per upstream origin (each resolved by the CLI's precedence for that origin). */
async function upstreamTargets(flags: BridgeFlags, ctx: Context, routes: BridgeRoute[]): Promise<Record<string, MtlsCredentials>> {
  const stdin = readsStdin(flags) ? await ctx.io.readStdin() : null;
  if (stdin && flags.pass === 'stdin') throw new MtlsError('MTLS_CONFLICTING_INPUTS', '--pass stdin and a credential from standard input (-) cannot both be used.');
  const pass = flags.pass === undefined ? undefined : await resolvePassphrase({ passSpec: { value: flags.pass, from: '--pass' } }, ctx);
  const targets: Record<string, MtlsCredentials> = {};
  for (const origin of new Set(routes.map((route) => route.upstream.origin))) {
    const { credentials, identity } = await routeCredentials(flags, ctx, new URL(origin), stdin, pass);
    targets[origin] = identity ? credentials : { ...credentials, clientCertificate: false };
    const leaf = identity?.certificates[0]?.facts;
    if (!leaf) ctx.warn(`no client certificate for ${origin} (give --cert and --key, MTLS_CERT_PATH, or a config target): the bridge sends none, and an upstream that requires one answers 502 with the diagnosis.`);
    else if (new Date(leaf.notAfter) < new Date()) ctx.warn(`the client certificate for ${origin} ("${leaf.subject}") expired on ${leaf.notAfter}: upstreams will refuse it (clients get 502 with the diagnosis) until it is replaced; the bridge picks up a new file without a restart.`);
    else if (!ctx.json) ctx.note(`${ctx.err.dim('client certificate')} "${leaf.subject}" for ${origin}`);
  }
  return targets;
}

/** Resolves with the signal's name on SIGINT or SIGTERM; SIGHUP re-reads the credentials meanwhile. */
function untilStopped(onSignal: NonNullable<Context['io']['onSignal']>, reload: () => void): Promise<string> {
  return new Promise((resolve) => {
    const stop = (name: string) => () => {
      for (const remove of removers) remove();
      resolve(name);
    };
    const removers = [onSignal('SIGINT', stop('SIGINT')), onSignal('SIGTERM', stop('SIGTERM')), onSignal('SIGHUP', reload)];
  });
}

export default bridge;

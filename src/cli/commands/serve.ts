import type { CommandAction } from '../action.js';
import { MtlsError } from '../../core/errors.js';
import { isLoopbackHost, startServe, type ServeEvent } from '../../tls/serve/index.js';
import { parseUpstreamUrl } from '../../serve-upstream/upstream-url.js';
import { renderServeEvent, serveEventJsonLine } from '../../render/serve.js';
import type { Context } from '../context.js';
import { onceStdin, resolvePassphrase, warnIfKeyValueOnCommandLine } from '../credentials.js';

interface ServeFlags {
  cert?: string;
  key?: string;
  clientCa?: string;
  pass?: string;
  port: number;
  host: string;
  optional?: boolean;
  watch?: boolean;
  crl?: string;
  json?: boolean;
  upstream?: string;
}

const serve: CommandAction<ServeFlags> = async (_args, flags, ctx) => {
  const { onSignal } = ctx.io;
  if (!flags.cert || !flags.clientCa) {
    throw new MtlsError('MTLS_USAGE', `mtls serve needs ${[!flags.cert && '--cert', !flags.clientCa && '--client-ca'].filter(Boolean).join(' and ')}.`, {
      fixes: ['Example: `mtls serve --cert pki/localhost.crt --key pki/localhost.key --client-ca pki/ca.crt` (make them with `mtls ca init` and `mtls issue server localhost`).'],
    });
  }
  if (flags.port > 65535) throw new MtlsError('MTLS_USAGE', `--port ${flags.port} is not a TCP port (0 to 65535).`);
  const upstream = flags.upstream === undefined ? undefined : parseUpstreamUrl(flags.upstream);
  if (!onSignal) throw new MtlsError('MTLS_USAGE', 'mtls serve runs until SIGINT or SIGTERM, and this terminal cannot deliver them.');
  if (!isLoopbackHost(flags.host)) {
    ctx.warn(ctx.err.red.bold(`--host ${flags.host} is not a loopback address: other machines can reach this test server and see what it echoes. Use it only on a network you trust.`));
  }
  if (upstream && !upstream.loopback) {
    ctx.warn(ctx.err.yellow.bold(`--upstream ${upstream.origin} is not on this machine: requests and the client identity headers travel to it as plain HTTP. A sidecar belongs next to its app.`));
  }
  // serve reads no MTLS_* variables: the fix offers standard input and a file only.
  warnIfKeyValueOnCommandLine('--key', flags.key, ctx, { environment: false });
  warnIfKeyValueOnCommandLine('--cert', flags.cert, ctx, { environment: false });
  const passphrase = flags.pass === undefined ? undefined : await resolvePassphrase({ passSpec: { value: flags.pass, from: '--pass' } }, ctx);
  const onEvent = (event: ServeEvent) => {
    if (ctx.json) ctx.io.stdout.write(serveEventJsonLine(event));
    else ctx.io.stderr.write(renderServeEvent(event, ctx.err));
  };
  const server = await startServe({
    sources: {
      cert: { value: flags.cert, from: '--cert' },
      ...(flags.key ? { key: { value: flags.key, from: '--key' } } : {}),
      clientCa: { value: flags.clientCa, from: '--client-ca' },
      ...(flags.crl ? { crl: flags.crl } : {}),
      ...(passphrase ? { passphrase } : {}),
      cwd: ctx.io.cwd,
      readStdin: onceStdin(ctx),
    },
    host: flags.host,
    port: flags.port,
    clientAuth: flags.optional ? 'optional' : 'required',
    watch: flags.watch === true,
    onEvent,
    ...(upstream ? { upstream } : {}),
  });
  // The URL line is the result: a script reads it to know where to connect.
  if (!ctx.json) ctx.print(server.url);
  await untilStopped(onSignal, () => void server.reload('SIGHUP'));
  await server.close();
  return 0;
};

/** Resolves on SIGINT or SIGTERM; SIGHUP reloads meanwhile. Handlers are removed afterwards. */
function untilStopped(onSignal: NonNullable<Context['io']['onSignal']>, reload: () => void): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      for (const remove of removers) remove();
      resolve();
    };
    const removers = [onSignal('SIGINT', stop), onSignal('SIGTERM', stop), onSignal('SIGHUP', reload)];
  });
}

export default serve;

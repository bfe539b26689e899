import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { upstreamPath } from './path.js';
import { upstreamRequestHeaders } from './request-headers.js';
import type { ForwardOptions, ForwardOutcome } from './types.js';

/**
 * Forwards an Upgrade request (WebSocket, say) and, once the upstream answers 101, pipes the two
 * sockets into each other until either side closes. undici's `dispatcher.upgrade` does the
 * upstream half (with the dispatcher's TLS and client certificate); the 101 to the client is
 * written by hand because node:http gives an upgrade only the raw socket.
 * An upstream that answers without switching is a `failed` outcome (undici reports "bad upgrade").
 */
export function forwardUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, options: ForwardOptions): Promise<ForwardOutcome> {
  const method = req.method ?? 'GET';
  const path = upstreamPath(options.upstream, options.path ?? req.url ?? '/');
  const protocol = req.headers.upgrade ?? 'websocket';
  const abort = new AbortController();
  let clientGone = false;
  const onClientClose = (): void => {
    clientGone = true;
    abort.abort();
  };
  client.once('close', onClientClose);
  client.on('error', () => client.destroy());
  return new Promise<ForwardOutcome>((resolve) => {
    options.dispatcher.upgrade(
      {
        origin: options.upstream.origin,
        path,
        method,
        protocol,
        headers: upstreamRequestHeaders(req, options),
        signal: abort.signal,
        responseHeaders: 'raw',
        // An Agent picks its pool by origin; undici's UpgradeOptions type leaves it out.
      } as Dispatcher.UpgradeOptions,
      (error, data) => {
        client.off('close', onClientClose);
        if (error || !data) {
          if (clientGone) resolve({ kind: 'client-gone', status: null, method, path });
          else resolve({ kind: 'failed', error: error ?? new Error('the upgrade failed'), responded: false, status: null, method, path });
          return;
        }
        const upstream = data.socket;
        if (client.destroyed) {
          upstream.destroy();
          resolve({ kind: 'client-gone', status: 101, method, path });
          return;
        }
        client.write(switchingProtocols(data.headers as unknown as string[]));
        if (head.length > 0) upstream.write(head);
        upstream.on('error', () => client.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.pipe(client);
        client.pipe(upstream);
        resolve({ kind: 'done', status: 101, method, path });
      },
    );
  });
}

/** The 101 response as the upstream sent it (its Upgrade and Connection fields are this hop's too). */
function switchingProtocols(raw: string[]): string {
  const lines = ['HTTP/1.1 101 Switching Protocols'];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (/^(transfer-encoding|keep-alive|content-length)$/i.test(name)) continue;
    lines.push(`${name}: ${raw[i + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

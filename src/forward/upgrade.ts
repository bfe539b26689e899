import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { endToEndRaw } from './hop-by-hop.js';
import { upstreamPath } from './path.js';
import { upstreamRequestHeaders } from './request-headers.js';
import type { ForwardOptions, ForwardOutcome } from './types.js';

/**
 * Forwards an Upgrade request (WebSocket, say) through the dispatcher (its TLS and client
 * certificate). When the upstream answers 101, the two sockets are piped into each other until
 * either side closes; when it answers anything else (401, 403, 426…), that response goes back to
 * the client as it came, then the connection closes.
 *
 * Written against undici's dispatch handler rather than `dispatcher.upgrade`, which turns every
 * answer but 101 into a "bad upgrade" error; and the responses are written onto the raw socket by
 * hand, because node:http gives an upgrade request only that socket.
 */
export function forwardUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, options: ForwardOptions): Promise<ForwardOutcome> {
  const method = req.method ?? 'GET';
  const path = upstreamPath(options.upstream, options.path ?? req.url ?? '/');
  const protocol = req.headers.upgrade ?? 'websocket';
  return new Promise<ForwardOutcome>((resolve) => {
    let abortUpstream: ((reason?: Error) => void) | null = null;
    let clientGone = false;
    let status: number | null = null;
    let responded = false;
    let settled = false;
    const settle = (outcome: ForwardOutcome) => {
      if (settled) return;
      settled = true;
      client.off('close', onClientClose);
      resolve(outcome);
    };
    const onClientClose = () => {
      clientGone = true;
      abortUpstream?.(new Error('the client closed the connection'));
    };
    client.once('close', onClientClose);
    client.on('error', () => client.destroy());

    const handler = {
      onConnect(abort: (reason?: Error) => void) {
        abortUpstream = abort;
        if (clientGone) abort(new Error('the client closed the connection'));
      },
      onUpgrade(statusCode: number, rawHeaders: Buffer[] | string[], upstream: Duplex) {
        status = statusCode;
        if (client.destroyed) {
          upstream.destroy();
          return settle({ kind: 'client-gone', status, method, path });
        }
        // The 101's Upgrade and Connection fields are this hop's too: they go back as sent.
        client.write(responseHead('HTTP/1.1 101 Switching Protocols', switchingFields(strings(rawHeaders))));
        if (head.length > 0) upstream.write(head);
        upstream.on('error', () => client.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.pipe(client);
        client.pipe(upstream);
        settle({ kind: 'done', status, method, path });
      },
      onHeaders(statusCode: number, rawHeaders: Buffer[] | string[], resume: () => void, statusText?: string) {
        if (statusCode < 200) return true;
        status = statusCode;
        responded = true;
        // Close-delimited unless the upstream gave a length: the body is passed on decoded.
        client.write(responseHead(`HTTP/1.1 ${statusCode} ${statusText || ''}`.trimEnd(), [...endToEndRaw(strings(rawHeaders)), 'connection', 'close']));
        client.on('drain', resume);
        return true;
      },
      onData(chunk: Buffer) {
        return client.write(chunk);
      },
      onComplete() {
        client.end();
        settle({ kind: 'done', status: status ?? 0, method, path });
      },
      onError(error: Error) {
        if (responded) client.destroy();
        if (clientGone) settle({ kind: 'client-gone', status, method, path });
        else settle({ kind: 'failed', error, responded, status, method, path });
      },
    };
    try {
      options.dispatcher.dispatch(
        { origin: options.upstream.origin, path, method: method as Dispatcher.HttpMethod, headers: upstreamRequestHeaders(req, options), upgrade: protocol },
        handler as unknown as Dispatcher.DispatchHandler,
      );
    } catch (error) {
      settle({ kind: 'failed', error: error instanceof Error ? error : new Error(String(error)), responded: false, status: null, method, path });
    }
  });
}

function strings(raw: Buffer[] | string[]): string[] {
  return raw.map((value) => (typeof value === 'string' ? value : value.toString('latin1')));
}

/** A 101's fields without those that frame a body (there is none after a switch). */
function switchingFields(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) if (!/^(transfer-encoding|keep-alive|content-length)$/i.test(raw[i]!)) kept.push(raw[i]!, raw[i + 1]!);
  return kept;
}

function responseHead(statusLine: string, fields: string[]): string {
  const lines = [statusLine];
  for (let i = 0; i + 1 < fields.length; i += 2) lines.push(`${fields[i]}: ${fields[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

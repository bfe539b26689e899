import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { endToEndRaw } from './hop-by-hop.js';
import { heldResponse } from './held-response.js';
import { upstreamPath } from './path.js';
import { upstreamRequestHeaders } from './request-headers.js';
import type { ForwardOptions, ForwardOutcome } from './types.js';

/**
 * Forwards one HTTP request to the upstream and its response back, streaming both bodies.
 *
 * undici's `dispatcher.stream` does the streaming: the request body is read from `req` as the
 * upstream socket takes it, and the response body is written into `res` with backpressure (undici
 * pauses the upstream socket while `res` needs a drain). Headers are flushed at once, so a
 * server-sent event stream or a chunked response reaches the client chunk by chunk, unbuffered.
 * Never throws: the outcome says what the caller still has to do.
 */
export function forwardHttp(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): Promise<ForwardOutcome> {
  const method = req.method ?? 'GET';
  const path = upstreamPath(options.upstream, options.path ?? req.url ?? '/');
  const abort = new AbortController();
  let clientGone = false;
  let status: number | null = null;
  /** What a refusal check found in a held response: the exchange failed before the client saw it. */
  let refusal: Error | null = null;
  // The client left before the response ended: stop the upstream exchange too.
  const onClose = (): void => {
    if (res.writableFinished) return;
    clientGone = true;
    abort.abort();
  };
  res.once('close', onClose);
  const request: Dispatcher.RequestOptions = {
    origin: options.upstream.origin,
    path,
    method: method as Dispatcher.HttpMethod,
    headers: upstreamRequestHeaders(req, options),
    body: hasBody(req) ? req : null,
    signal: abort.signal,
    responseHeaders: 'raw',
    ...(options.headersTimeout ? { headersTimeout: options.headersTimeout } : {}),
    ...(options.bodyTimeout ? { bodyTimeout: options.bodyTimeout } : {}),
  };
  return new Promise<ForwardOutcome>((resolve) => {
    const finish = (error: Error | null): void => {
      res.off('close', onClose);
      if (refusal) resolve({ kind: 'failed', error: refusal, responded: false, status, method, path });
      else if (clientGone) resolve({ kind: 'client-gone', status, method, path });
      else if (error) resolve({ kind: 'failed', error, responded: res.headersSent, status, method, path });
      else resolve({ kind: 'done', status: status ?? 0, method, path });
    };
    try {
      options.dispatcher.stream(
        request,
        ({ statusCode, headers }) => {
          status = statusCode;
          const fields = endToEndRaw(headers as unknown as string[]);
          const check = options.refusalCheck;
          if (check?.statuses.has(statusCode)) return heldResponse(res, statusCode, fields, check, (error) => (refusal = error));
          res.writeHead(statusCode, fields);
          // A body of unknown length (an event stream, a chunked answer) may be quiet for a while:
          // its head goes now. One with a length goes with its first bytes, in one write.
          if (!hasLength(fields)) res.flushHeaders();
          return res;
        },
        (error) => finish(error),
      );
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
  });
}

/** A request has a body when it says so (RFC 9112 §6.3): Content-Length above 0, or Transfer-Encoding. */
function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = req.headers['content-length'];
  return length !== undefined && length !== '0';
}

function hasLength(fields: string[]): boolean {
  for (let i = 0; i < fields.length; i += 2) if (fields[i]!.length === 14 && fields[i]!.toLowerCase() === 'content-length') return true;
  return false;
}

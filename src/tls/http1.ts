import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Socket } from 'node:net';

export interface Http1Request {
  method: string;
  path: string;
  /** Header pairs in order; `host` among them. */
  headers: [string, string][];
  body?: Buffer;
  signal?: AbortSignal;
}

export interface Http1Response {
  statusCode: number;
  /** The reason phrase as the server sent it (`OK`); may be empty. */
  statusMessage: string;
  /** `1.1` or `1.0`, as the status line said. */
  httpVersion: string;
  /** As undici gives them: names in lower case, a repeated header as an array. */
  headers: Record<string, string | string[]>;
  body: AsyncIterable<Buffer>;
  /** Ends the exchange and its connection (one request per connection, as curl does by default). */
  close(): void;
}

/** The socket maker the request runs over: the connector's TLS socket, or its error. */
export type SocketOpener = (callback: (error: Error | null, socket?: Socket) => void) => void;

/**
 * One HTTP/1.1 exchange over a socket we opened ourselves, with Node's built-in client. A
 * one-shot CLI request needs nothing more, and node:http is part of Node's start-up snapshot,
 * while loading undici costs more than Node's whole start-up (about 75 ms here).
 */
export function http1Exchange(open: SocketOpener, request: Http1Request): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    const options: RequestOptions = {
      method: request.method,
      path: request.path,
      setHost: false,
      ...(request.signal ? { signal: request.signal } : {}),
      // Called with a callback, node:http waits for it: the socket comes from our own connector.
      createConnection: (_options, created) => {
        open((error, socket) => created(error, socket as Socket));
        return undefined;
      },
    };
    const outgoing = httpRequest(options);
    for (const [name, value] of request.headers) outgoing.appendHeader(name, value);
    outgoing.once('error', reject);
    outgoing.once('response', (response: IncomingMessage) => {
      resolve({ statusCode: response.statusCode ?? 0, statusMessage: response.statusMessage ?? '', httpVersion: response.httpVersion, headers: headersOf(response.rawHeaders), body: response, close: () => outgoing.destroy() });
    });
    outgoing.end(request.body);
  });
}

function headersOf(raw: string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return headers;
}

import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { BridgeErrorBody } from './events.js';

const REASONS: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 502: 'Bad Gateway' };

/** A response the bridge makes itself; the header tells it apart from the upstream's own errors. */
export function sendBridgeError(res: ServerResponse, status: number, body: BridgeErrorBody): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-mtls-bridge-error': body.code });
  res.end(text);
}

/** The same on a socket that asked for an upgrade (node:http hands those over raw). */
export function sendBridgeErrorRaw(socket: Duplex, status: number, body: BridgeErrorBody): void {
  const text = JSON.stringify(body);
  const head = `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nx-mtls-bridge-error: ${body.code}\r\nconnection: close\r\n\r\n`;
  if (socket.writable) socket.end(head + text);
  else socket.destroy();
}

import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { connect, type TLSSocket } from 'node:tls';
import { readFrame, wsFrame } from '../helpers/upstream-app.js';

export interface Identity {
  cert: string;
  key: string;
}

function tlsOptions(client: Identity | null, ca: string) {
  return { host: '127.0.0.1', ca: readFileSync(ca), ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}) };
}

/** Sends raw bytes over a new mTLS connection and resolves with everything the server sent until it closed (or `untilMs`). */
export function rawExchange(port: number, client: Identity | null, ca: string, bytes: string, untilMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect({ ...tlsOptions(client, ca), port }, () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (received += d));
    const timer = setTimeout(() => socket.destroy(), untilMs);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
    socket.on('error', (error) => (received ? undefined : reject(error)));
  });
}

/** An open server-sent event stream through the sidecar: what arrived so far, and a wait for more. */
export interface EventStream {
  status: number;
  text(): string;
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<void>;
  close(): void;
}

export function openEvents(port: number, client: Identity, ca: string): Promise<EventStream> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ ...tlsOptions(client, ca), port, path: '/events', agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('error', () => undefined);
      resolve({
        status: res.statusCode ?? 0,
        text: () => text,
        waitFor: (pattern, what, timeoutMs = 15_000) => until(() => pattern.test(text), `${what} (stream so far: ${JSON.stringify(text)})`, timeoutMs),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A WebSocket through the sidecar, handshake and frames by hand. */
export interface WebSocketClient {
  /** The status line and headers of the handshake answer. */
  handshake: string;
  /** The certificate fingerprint this connection negotiated (stays across a rotation). */
  fingerprint: string;
  echo(text: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

export function openWebSocket(port: number, client: Identity, ca: string): Promise<WebSocketClient> {
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({ ...tlsOptions(client, ca), port }, () => {
      socket.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-SSL-Client-S-DN: CN=forged\r\n\r\n`);
    });
    let buffered = Buffer.alloc(0);
    let handshake: string | null = null;
    const replies: string[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (handshake === null) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        handshake = buffered.subarray(0, end).toString('latin1');
        buffered = buffered.subarray(end + 4);
        if (!handshake.startsWith('HTTP/1.1 101')) {
          resolve({ handshake: `${handshake}\r\n\r\n${buffered.toString('utf8')}`, fingerprint: '', echo: () => Promise.reject(new Error('no WebSocket')), close: () => socket.destroy() });
          return;
        }
        resolve({
          handshake,
          fingerprint: socket.getPeerX509Certificate()?.fingerprint256 ?? '',
          echo: async (text, timeoutMs = 15_000) => {
            const before = replies.length;
            socket.write(wsFrame(Buffer.from(text), { mask: true }));
            await until(() => replies.length > before, `the echo of ${JSON.stringify(text)}`, timeoutMs);
            return replies[before] as string;
          },
          close: () => socket.destroy(),
        });
      }
      for (let frame = readFrame(buffered); frame; frame = readFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x1) replies.push(frame.payload.toString('utf8'));
      }
    });
  });
}

/** Polls until `check` holds (a generous deadline, never a fixed sleep). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { after } from 'node:test';

/** One request as the app behind the sidecar received it. */
export interface SeenRequest {
  method: string;
  url: string;
  /** Node's rawHeaders: names as sent, duplicates kept. */
  rawHeaders: string[];
  headers: IncomingMessage['headers'];
  bodyBytes: number;
}

/**
 * A plain node:http app (what an Express app is underneath) on 127.0.0.1: it records every
 * request, answers `/echo` with what it saw as JSON, breaks off `/break` midway, holds `/events` open as a server-sent event
 * stream (each `send(data)` writes one event to every open stream), and echoes WebSocket text
 * frames after the handshake (frames written by hand: no ws package here).
 */
export interface UpstreamApp {
  port: number;
  origin: string;
  seen: SeenRequest[];
  /** Writes one SSE event to every open /events stream. */
  send(data: string): void;
  close(): Promise<void>;
}

export async function startUpstreamApp(): Promise<UpstreamApp> {
  const seen: SeenRequest[] = [];
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Duplex>();
  const record = (req: IncomingMessage, bodyBytes: number): SeenRequest => {
    const entry = { method: req.method ?? '', url: req.url ?? '', rawHeaders: [...req.rawHeaders], headers: req.headers, bodyBytes };
    seen.push(entry);
    return entry;
  };
  const server = createServer((req, res) => {
    if (req.url === '/events') {
      record(req, 0);
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': open\n\n');
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (req.url === '/break') {
      // Starts an answer it never finishes: the proxy must not pass it on as a whole one.
      record(req, 0);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => req.socket.destroy(), 50);
      return;
    }
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      const entry = record(req, bytes);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(entry));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    record(req, 0);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const accept = createHash('sha1').update(`${String(req.headers['sec-websocket-key'])}258EAFA5-E914-47DA-95CA-C5AB0DC11B65`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (let frame = readFrame(buffered); frame; frame = readFrame(buffered)) {
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x8) return void socket.end(wsFrame(Buffer.alloc(0), { opcode: 0x8 }));
        if (frame.opcode === 0x1) socket.write(wsFrame(Buffer.from(`echo: ${frame.payload.toString('utf8')}`)));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = async () => {
    for (const res of streams) res.destroy();
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  after(() => (server.listening ? close() : undefined));
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    seen,
    send: (data) => {
      for (const res of streams) res.write(`data: ${data}\n\n`);
    },
    close,
  };
}

/** A WebSocket frame (RFC 6455 §5.2); a client's is masked, a server's is not. */
export function wsFrame(payload: Buffer, { opcode = 0x1, mask = false }: { opcode?: number; mask?: boolean } = {}): Buffer {
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | length]) : Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | 126, length >> 8, length & 0xff]);
  if (!mask) return Buffer.concat([header, payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  return Buffer.concat([header, key, Buffer.from(payload.map((byte, i) => byte ^ (key[i % 4] as number)))]);
}

/** The first whole frame of `data`, or null when more bytes are needed (payloads under 64 KiB). */
export function readFrame(data: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (data.length < 2) return null;
  const opcode = (data[0] as number) & 0x0f;
  const masked = ((data[1] as number) & 0x80) !== 0;
  let length = (data[1] as number) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    offset = 4;
  }
  const keyAt = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return null;
  let payload = data.subarray(offset, offset + length);
  if (masked) payload = Buffer.from(payload.map((byte, i) => byte ^ (data[keyAt + (i % 4)] as number)));
  return { opcode, payload, length: offset + length };
}

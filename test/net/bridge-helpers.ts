import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after } from 'node:test';
import { spawnMtls, type MtlsProcess } from './serve-helpers.js';

/** `mtls bridge` as a real process: the lines it printed on stdout, its stderr, and a way to stop it. */
export interface BridgeProcess extends MtlsProcess {
  /** Line 1 of stdout: http://127.0.0.1:PORT/TOKEN (or without the token with --no-token). */
  base: string;
  origin: string;
  token: string;
  lines: string[];
}

export async function spawnBridge(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<BridgeProcess> {
  const proc = spawnMtls('bridge', args, { ...options, waitMs: 20_000 });
  await proc.waitFor(() => /\ncurl /.test(proc.stdout()) || /"kind":"bridge-listening"/.test(proc.stdout()), 'the bridge printing its URLs');
  const lines = proc.stdout().trim().split('\n');
  const first = lines[0]!.startsWith('{') ? (JSON.parse(lines[0]!) as { url: string }).url : lines[0]!;
  const url = new URL(first);
  return { ...proc, base: first.replace(/\/$/, ''), origin: url.origin, token: url.pathname.slice(1), lines };
}

export interface EchoSeen {
  url: string;
  headers: IncomingMessage['headers'];
  serial: string;
}

/**
 * A Node https upstream that requires a client certificate and answers with what it saw: the
 * path, the headers and the client certificate's serial (so rotation shows as a new serial).
 * /events streams one event every 100 ms until `count` (query), each naming the serial of the
 * connection it runs on; Upgrade: echo switches and echoes bytes back.
 */
export async function startEchoUpstream(files: { cert: string; key: string; clientCa: string }): Promise<{ url: string; server: Server; seen: EchoSeen[] }> {
  const seen: EchoSeen[] = [];
  const serialOf = (socket: TLSSocket) => socket.getPeerCertificate().serialNumber ?? 'none';
  const server = createServer({ cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.clientCa), requestCert: true, rejectUnauthorized: true }, (req, res) => {
    const serial = serialOf(req.socket as TLSSocket);
    seen.push({ url: req.url ?? '', headers: req.headers, serial });
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    if (url.pathname.endsWith('/events')) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const count = Number(url.searchParams.get('count') ?? 5);
      let sent = 0;
      const timer = setInterval(() => {
        res.write(`data: ${JSON.stringify({ n: sent, serial })}\n\n`);
        if (++sent >= count) {
          clearInterval(timer);
          res.end();
        }
      }, Number(url.searchParams.get('everyMs') ?? 100));
      res.on('close', () => clearInterval(timer));
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, method: req.method, headers: req.headers, serial, bodyBytes: body.length, bodySha256: createHash('sha256').update(body).digest('hex') }));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: TLSSocket) => {
    seen.push({ url: req.url ?? '', headers: req.headers, serial: serialOf(socket) });
    if (req.url?.endsWith('/refused')) return void socket.end('HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\ncontent-length: 14\r\n\r\nno socket here');
    if (String(req.headers.upgrade).toLowerCase() === 'websocket') return webSocketEcho(req, socket);
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, server, seen };
}

/**
 * The smallest WebSocket server that answers a real client (RFC 6455): the handshake, then each
 * short masked text frame from the client sent back unmasked, prefixed "echo: ". Enough to prove
 * the frames cross the bridge both ways; a test helper only (there is no ws package here).
 */
function webSocketEcho(req: IncomingMessage, socket: TLSSocket): void {
  const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.on('data', (frame: Buffer) => {
    const opcode = frame[0]! & 0x0f;
    const length = frame[1]! & 0x7f;
    if (opcode === 0x8) return socket.end(Buffer.from([0x88, 0]));
    if (opcode !== 0x1 || length > 125) return;
    const mask = frame.subarray(2, 6);
    const text = Buffer.from(frame.subarray(6, 6 + length).map((byte, i) => byte ^ mask[i % 4]!)).toString('utf8');
    const reply = Buffer.from(`echo: ${text}`);
    socket.write(Buffer.concat([Buffer.from([0x81, reply.length]), reply]));
  });
  socket.on('error', () => socket.destroy());
}

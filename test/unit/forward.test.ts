import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { Agent } from 'undici';
import { forwardHttp, forwardUpgrade, upstreamPath, endToEndRaw, type ForwardOptions } from '../../src/forward/index.js';

/** A plain HTTP upstream and a forwarding front on 127.0.0.1, joined by src/forward with an undici Agent. */
async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => server.closeAllConnections?.() ?? server.close());
  after(() => server.close());
  return (server.address() as AddressInfo).port;
}

const seen: IncomingMessage[] = [];
let releaseStream: (() => void) | null = null;
const upstream = createServer((req, res) => {
  seen.push(req);
  if (req.url?.startsWith('/base/events')) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'keep-alive': 'timeout=5', connection: 'keep-alive, x-hop' , 'x-hop': 'secret' });
    res.write('data: first\n\n');
    releaseStream = () => res.end('data: last\n\n');
    return;
  }
  if (req.url?.startsWith('/base/upload')) {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.end(JSON.stringify({ bytes, te: req.headers['transfer-encoding'] ?? null, length: req.headers['content-length'] ?? null })));
    return;
  }
  res.setHeader('set-cookie', ['a=1', 'b=2']);
  res.end(JSON.stringify({ url: req.url, headers: req.headers }));
});
upstream.on('upgrade', (req, socket) => {
  seen.push(req);
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n');
  socket.pipe(socket);
});
const upstreamPort = await listen(upstream);
const dispatcher = new Agent();
after(() => dispatcher.close());
const options: ForwardOptions = { dispatcher, upstream: new URL(`http://127.0.0.1:${upstreamPort}/base`), via: 'test-hop', xForwarded: { proto: 'http' }, dropRequestHeaders: ['X-Forged'] };
const front = createServer((req, res) => void forwardHttp(req, res, options));
front.on('upgrade', (req, socket, head) => void forwardUpgrade(req, socket, head, options));
const frontPort = await listen(front);

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('upstreamPath keeps the base path and stops dot segments from climbing out of it', () => {
  const base = new URL('https://llm.example/v1/');
  assert.equal(upstreamPath(base, '/chat/completions?stream=true'), '/v1/chat/completions?stream=true');
  assert.equal(upstreamPath(base, '/../../admin'), '/v1/admin');
  assert.equal(upstreamPath(base, ''), '/v1');
  assert.equal(upstreamPath(new URL('https://h.example'), ''), '/');
  assert.equal(upstreamPath(new URL('https://h.example'), '?q=1'), '/?q=1');
});

test('endToEndRaw drops hop-by-hop fields and the ones Connection names, in any case', () => {
  assert.deepEqual(endToEndRaw(['Connection', 'close, X-Private', 'x-private', '1', 'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Accept', '*/*']), ['Accept', '*/*']);
});

test('a request reaches the upstream under its base path without hop-by-hop or forged fields, with Host, Via and X-Forwarded-*', async () => {
  const response = await get('/hello?x=1', { connection: 'keep-alive, x-drop-me', 'x-drop-me': '1', 'x-forged': 'evil', 'x-forwarded-for': '6.6.6.6', 'proxy-authorization': 'Basic Zm9v', 'x-kept': 'yes' });
  assert.equal(response.status, 200);
  const { url, headers } = JSON.parse(response.body) as { url: string; headers: Record<string, string> };
  assert.equal(url, '/base/hello?x=1');
  assert.equal(headers.host, `127.0.0.1:${upstreamPort}`);
  assert.equal(headers['x-kept'], 'yes');
  for (const name of ['x-drop-me', 'x-forged', 'proxy-authorization']) assert.equal(headers[name], undefined, name);
  assert.equal(headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(headers['x-forwarded-proto'], 'http');
  assert.equal(headers.via, '1.1 test-hop');
  assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
});

test('an upload streams through (chunked stays chunked, a length stays a length)', async () => {
  const chunked = await new Promise<string>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: frontPort, path: '/upload', method: 'POST' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    for (let i = 0; i < 64; i++) req.write(Buffer.alloc(16 * 1024, i));
    req.end();
  });
  assert.deepEqual(JSON.parse(chunked), { bytes: 64 * 16 * 1024, te: 'chunked', length: null });
});

test('an event stream reaches the client before the upstream ends it, without its hop-by-hop fields', async () => {
  const res = await new Promise<IncomingMessage>((resolve, reject) => httpRequest({ host: '127.0.0.1', port: frontPort, path: '/events' }, resolve).on('error', reject).end());
  assert.equal(res.headers['content-type'], 'text/event-stream');
  assert.equal(res.headers['x-hop'], undefined);
  res.setEncoding('utf8');
  const [first] = (await once(res, 'data')) as [string];
  assert.match(first, /data: first/);
  releaseStream?.();
  let rest = '';
  res.on('data', (c: string) => (rest += c));
  await once(res, 'end');
  assert.match(rest, /data: last/);
});

test('an Upgrade is piped both ways once the upstream switches', async () => {
  const req = httpRequest({ host: '127.0.0.1', port: frontPort, path: '/ws', headers: { connection: 'Upgrade', upgrade: 'echo' } });
  req.end();
  const [res, socket] = (await once(req, 'upgrade')) as [IncomingMessage, import('node:net').Socket];
  assert.equal(res.statusCode, 101);
  socket.write('ping');
  const [echo] = (await once(socket, 'data')) as [Buffer];
  assert.equal(echo.toString(), 'ping');
  socket.destroy();
  assert.equal(seen.at(-1)?.url, '/base/ws');
});

test("the client's keep-alive connection survives a forwarded response (undici's stream does not destroy it)", async () => {
  const { Agent: HttpAgent } = await import('node:http');
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  after(() => agent.destroy());
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) {
    await new Promise<void>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: frontPort, path: '/k', agent }, (res) => {
        ports.push(res.socket.localPort ?? 0);
        res.resume();
        res.on('end', resolve);
      }).on('error', reject).end();
    });
  }
  assert.equal(new Set(ports).size, 1);
});

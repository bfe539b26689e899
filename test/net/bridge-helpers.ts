import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after } from 'node:test';
import { BIN, ROOT } from '../helpers/cli.js';

/** `mtls bridge` as a real process: the lines it printed on stdout, its stderr, and a way to stop it. */
export interface BridgeProcess {
  /** Line 1 of stdout: http://127.0.0.1:PORT/TOKEN (or without the token with --no-token). */
  base: string;
  origin: string;
  token: string;
  lines: string[];
  stdout(): string;
  stderr(): string;
  waitFor(predicate: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): void;
  exited(): Promise<number | null>;
}

export async function spawnBridge(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<BridgeProcess> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTLS_')) env[k] = v;
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [BIN, 'bridge', ...args], { cwd: options.cwd ?? ROOT, env: { ...env, NO_COLOR: '1', ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const waitFor = (predicate: () => boolean, what: string, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        if (predicate()) return resolve();
        if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`${what} did not happen\nstdout: ${stdout}\nstderr: ${stderr}`));
        setTimeout(check, 25);
      };
      check();
    });
  await waitFor(() => /\ncurl /.test(stdout) || /"kind":"bridge-listening"/.test(stdout), 'the bridge printing its URLs');
  const lines = stdout.trim().split('\n');
  const first = lines[0]!.startsWith('{') ? (JSON.parse(lines[0]!) as { url: string }).url : lines[0]!;
  const url = new URL(first);
  return {
    base: first.replace(/\/$/, ''),
    origin: url.origin,
    token: url.pathname.slice(1),
    lines,
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor,
    signal: (name) => child.kill(name),
    exited: () => exit,
  };
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

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { freePort, tempDir } from './tmp.js';

/** Real TLS peers for network tests, started on 127.0.0.1 and stopped when the test file ends. */
export interface Peer {
  port: number;
  url: string;
  /** Everything the peer printed so far (s_server's stdout+stderr, nginx's error log). */
  log(): string;
  stop(): Promise<void>;
}

export function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on 127.0.0.1:${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

function track(child: ChildProcess, port: number, log: () => string): Peer {
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2000).unref();
    });
  after(stop);
  return { port, url: `https://127.0.0.1:${port}/`, log, stop };
}

export interface OpenSslServerOptions {
  cert: string;
  key: string;
  /** Chain to send after the leaf (-cert_chain). */
  chain?: string;
  /** CA file for client certificates. */
  clientCa?: string;
  /** 'require': -Verify (client certificate required), 'request': -verify, 'none'. */
  clientAuth?: 'require' | 'request' | 'none';
  tls?: '1.2' | '1.3' | 'any';
  extraArgs?: string[];
}

/** `openssl s_server -www`: answers GET with an HTML status page. */
export async function startOpenSslServer(options: OpenSslServerOptions): Promise<Peer> {
  const port = await freePort();
  const args = ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', options.cert, '-key', options.key, '-www', '-naccept', '1000'];
  if (options.chain) args.push('-cert_chain', options.chain);
  if (options.clientCa) args.push('-CAfile', options.clientCa);
  if (options.clientAuth === 'require') args.push('-Verify', '4', '-verify_return_error');
  if (options.clientAuth === 'request') args.push('-verify', '4');
  if (options.tls === '1.2') args.push('-tls1_2');
  if (options.tls === '1.3') args.push('-tls1_3');
  args.push(...(options.extraArgs ?? []));
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const peer = track(child, port, () => output);
  await waitForPort(port);
  return peer;
}

export interface NginxOptions {
  cert: string;
  key: string;
  clientCa?: string;
  verifyClient?: 'on' | 'optional' | 'off';
  /** Extra lines inside the server block. */
  serverConf?: string;
  /** Body returned for / (default: the client certificate's subject). */
  location?: string;
}

/** nginx on a free port with its own prefix, pid and logs in a temporary folder. */
export async function startNginx(options: NginxOptions): Promise<Peer> {
  const port = await freePort();
  const prefix = tempDir('mtls-nginx-');
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const errorLog = join(prefix, 'logs', 'error.log');
  const runAsRoot = process.getuid?.() === 0 ? 'user root;' : '';
  const clientAuth = options.clientCa
    ? `ssl_client_certificate ${options.clientCa}; ssl_verify_client ${options.verifyClient ?? 'on'}; ssl_verify_depth 4;`
    : '';
  const conf = `${runAsRoot}
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${errorLog} info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${options.cert};
    ssl_certificate_key ${options.key};
    ${clientAuth}
    ${options.serverConf ?? ''}
    location / { ${options.location ?? 'default_type text/plain; return 200 "subject=$ssl_client_s_dn verify=$ssl_client_verify\\n";'} }
  }
}
`;
  const confPath = join(prefix, 'nginx.conf');
  writeFileSync(confPath, conf);
  const child = spawn('nginx', ['-p', prefix, '-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (output += d));
  const peer = track(child, port, () => output + (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''));
  await waitForPort(port);
  return peer;
}

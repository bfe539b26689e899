import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, renameSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { startNginx } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnBridge, startEchoUpstream } from './bridge-helpers.js';
import { CLIENT_EXT, issue, makeRequestPki } from './request-pki.js';

/**
 * `mtls bridge` end to end: curl and Node's http client on one side, nginx and a Node https server
 * that require the client certificate on the other, the built CLI in between.
 */
const pki = makeRequestPki();
const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
const echo = await startEchoUpstream({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
let upstreamConnections = 0;
echo.server.on('secureConnection', () => upstreamConnections++);

// Rotation needs files the test can replace: the bridge reads these.
const work = tempDir('mtls-bridge-');
const certFile = join(work, 'client.crt');
const keyFile = join(work, 'client.key');
copyFileSync(pki.goodClient.cert, certFile);
copyFileSync(pki.goodClient.key, keyFile);
const rotated = issue(pki.dir, 'bridge-rotated', 'rotated client', 'root', CLIENT_EXT);

const bridge = await spawnBridge(['--route', `/nginx=${nginx.url}`, '--route', `/echo=${echo.url}/up`, '--cert', certFile, '--key', keyFile, '--cacert', pki.rootCa]);

function curl(args: string[]): string {
  return execFileSync('curl', ['-sS', ...args], { encoding: 'utf8' });
}

function call(path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer[] } = {}): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, bridge.origin);
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    for (const chunk of options.body ?? []) req.write(chunk);
    req.end();
  });
}

test('stdout carries the base URL with the token first, then lines to paste and a curl command', () => {
  assert.match(bridge.token, /^[A-Za-z0-9_-]{43}$/);
  assert.match(bridge.base, /^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{43}$/);
  assert.ok(bridge.lines.includes(`MCP_SERVER_URL=${bridge.base}/echo`) || bridge.lines.some((line) => line.startsWith('# /')), bridge.lines.join('\n'));
  assert.ok(bridge.lines.some((line) => line.startsWith(`curl ${bridge.base}/`)));
});

test('curl reaches nginx, which requires the client certificate, through the bridge', () => {
  assert.match(curl([`${bridge.base}/nginx/`]), /subject=CN=good client,O=mtls tests verify=SUCCESS/);
  // The header form, for clients whose base URL cannot carry the token.
  assert.match(curl(['-H', `x-mtls-bridge-token: ${bridge.token}`, `${bridge.origin}/nginx/`]), /verify=SUCCESS/);
});

test('without the token, or with a wrong one, the bridge answers 403 with the diagnosis and forwards nothing', async () => {
  const before = echo.seen.length;
  for (const [path, headers] of [['/echo/x', {}], [`/${'A'.repeat(43)}/echo/x`, {}], ['/echo/x', { 'x-mtls-bridge-token': 'wrong' }]] as const) {
    const response = await call(path, { headers });
    assert.equal(response.status, 403, path);
    assert.equal(JSON.parse(response.body).code, 'MTLS_BRIDGE_TOKEN_REQUIRED');
    assert.equal(response.headers['x-mtls-bridge-error'], 'MTLS_BRIDGE_TOKEN_REQUIRED');
  }
  // A web page reaching the port by a name of its own (DNS rebinding) is refused too.
  const rebound = await call(`/${bridge.token}/echo/x`, { headers: { host: 'attacker.example:80' } });
  assert.equal(rebound.status, 403);
  assert.equal(JSON.parse(rebound.body).code, 'MTLS_BRIDGE_HOST_REFUSED');
  assert.equal(echo.seen.length, before);
  const unrouted = await call(`/${bridge.token}/nowhere`);
  assert.equal(unrouted.status, 404);
  assert.equal(JSON.parse(unrouted.body).code, 'MTLS_BRIDGE_NO_ROUTE');
});

test('the upstream gets its own Host, the base path, Via, the end-to-end fields only, and never the token', async () => {
  const response = await call(`/${bridge.token}/echo/hello?q=1`, { headers: { connection: 'keep-alive, x-hop', 'x-hop': 'no', 'x-mtls-bridge-token': bridge.token, 'x-kept': 'yes', authorization: 'Bearer sk-test' } });
  assert.equal(response.status, 200);
  const seen = JSON.parse(response.body) as { url: string; headers: Record<string, string> };
  assert.equal(seen.url, '/up/hello?q=1');
  assert.equal(seen.headers.host, new URL(echo.url).host);
  assert.equal(seen.headers.via, '1.1 mtls-bridge');
  assert.equal(seen.headers['x-kept'], 'yes');
  assert.equal(seen.headers.authorization, 'Bearer sk-test');
  assert.equal(seen.headers['x-hop'], undefined);
  assert.equal(seen.headers['x-mtls-bridge-token'], undefined);
  assert.ok(!JSON.stringify(seen).includes(bridge.token));
});

test('an upload streams through whole (chunked, 4 MiB) and upstream connections are kept alive', async () => {
  const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
  const connectionsBefore = upstreamConnections;
  for (let i = 0; i < 3; i++) {
    const response = await call(`/${bridge.token}/echo/upload`, { method: 'POST', body: chunks });
    const seen = JSON.parse(response.body) as { bodyBytes: number; headers: Record<string, string> };
    assert.equal(seen.bodyBytes, 64 * 64 * 1024);
    assert.equal(seen.headers['transfer-encoding'], 'chunked');
  }
  assert.ok(upstreamConnections - connectionsBefore <= 1, `${upstreamConnections - connectionsBefore} new upstream connections for 3 requests`);
});

test('server-sent events arrive one by one, before the upstream ends the stream', async () => {
  const res = await new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${bridge.base}/echo/events?count=3&everyMs=300`, resolve).on('error', reject).end());
  assert.equal(res.headers['content-type'], 'text/event-stream');
  res.setEncoding('utf8');
  const [first] = (await once(res, 'data')) as [string];
  assert.match(first, /"n":0/);
  assert.doesNotMatch(first, /"n":2/);
  let rest = '';
  res.on('data', (d: string) => (rest += d));
  await once(res, 'end');
  assert.match(rest, /"n":2/);
});

test('an Upgrade (the WebSocket handshake) is piped both ways over the mTLS upstream connection', async () => {
  const req = httpRequest(`${bridge.base}/echo/socket`, { headers: { connection: 'Upgrade', upgrade: 'echo' } });
  req.end();
  const [res, socket] = (await once(req, 'upgrade')) as [IncomingMessage, Socket];
  assert.equal(res.statusCode, 101);
  socket.write('ping through the bridge');
  const [answer] = (await once(socket, 'data')) as [Buffer];
  assert.equal(answer.toString(), 'ping through the bridge');
  socket.destroy();
  assert.equal(echo.seen.at(-1)?.url, '/up/socket');
});

test('rotation: an event stream open across a certificate swap continues; the next request uses the new certificate', async () => {
  const serialOf = (cert: string) => execFileSync('openssl', ['x509', '-in', cert, '-noout', '-serial'], { encoding: 'utf8' }).trim().replace(/^serial=/, '');
  const oldSerial = serialOf(pki.goodClient.cert);
  const newSerial = serialOf(rotated.cert);
  const res = await new Promise<IncomingMessage>((resolve, reject) => httpRequest(`${bridge.base}/echo/events?count=8&everyMs=250`, resolve).on('error', reject).end());
  res.setEncoding('utf8');
  let events = '';
  res.on('data', (d: string) => (events += d));
  await once(res, 'data');
  // Replace both files as deploy tools do (write beside, rename over).
  copyFileSync(rotated.key, `${keyFile}.new`);
  copyFileSync(rotated.cert, `${certFile}.new`);
  renameSync(`${keyFile}.new`, keyFile);
  renameSync(`${certFile}.new`, certFile);
  await bridge.waitFor(() => /new credentials for/.test(bridge.stderr()), 'the bridge reloading');
  const after = JSON.parse((await call(`/${bridge.token}/echo/who`, { headers: { connection: 'close' } })).body) as { serial: string };
  assert.equal(after.serial.toUpperCase(), newSerial.toUpperCase());
  await once(res, 'end');
  const serials = [...events.matchAll(/"serial":"([0-9A-F]+)"/gi)].map((m) => m[1]!.toUpperCase());
  assert.equal(serials.length, 8, events);
  assert.ok(serials.every((serial) => serial === oldSerial.toUpperCase()), 'the open stream stayed on its connection');
});

test('logs name method, path and status but never the token or a query string', () => {
  const log = bridge.stderr();
  assert.match(log, /GET \/\*\*\*\/nginx\/ → 200/);
  assert.ok(!log.includes(bridge.token), 'the token is in the log');
  assert.ok(!log.includes('q=1'), 'a query string is in the log');
  assert.match(log, /→ 403 MTLS_BRIDGE_TOKEN_REQUIRED/);
});

/** What `mtls request --json` says for these credentials against nginx. */
async function requestCode(args: string[]): Promise<string> {
  const result = await runCli(['request', `${nginx.url}/`, '--json', ...args]);
  return (JSON.parse(result.stdout) as { diagnosis: { code: string } }).diagnosis.code;
}

async function bridgeCode(args: string[]): Promise<{ status: number; code: string; body: Record<string, unknown>; log: string }> {
  const failing = await spawnBridge(['--to', nginx.url, '--json', ...args]);
  const response = await fetch(`${failing.base}/`);
  const body = (await response.json()) as Record<string, unknown>;
  await failing.waitFor(() => /"event":"upstream-failed"/.test(failing.stderr()), 'the failure log line');
  failing.signal('SIGTERM');
  assert.equal(await failing.exited(), 0);
  return { status: response.status, code: String(body.code), body, log: failing.stderr() };
}

test('a refused upstream handshake: 502 with the code `mtls request` gives (wrong CA, expired certificate, no certificate)', async () => {
  const cases: [string, string[]][] = [
    ['wrong upstream CA', ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.otherCa]],
    ['expired certificate', ['--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa]],
    ['no certificate', ['--cacert', pki.rootCa]],
  ];
  const results = await Promise.all(cases.map(async ([name, args]) => ({ name, bridge: await bridgeCode(args), request: await requestCode(args) })));
  for (const { name, bridge: failed, request } of results) {
    assert.equal(failed.status, 502, name);
    assert.equal(failed.code, request, `${name}: the bridge said ${failed.code}, mtls request ${request}`);
    assert.deepEqual(Object.keys(failed.body).sort(), ['code', 'fix', 'summary', 'title'], name);
    const lines = failed.log.trim().split('\n').map((line) => JSON.parse(line) as { event: string; code?: string });
    assert.equal(lines.filter((line) => line.event === 'upstream-failed').length, 1, name);
    assert.equal(lines.find((line) => line.event === 'upstream-failed')?.code, request);
  }
  // Each case is its own diagnosis (the wrong CA is about the server's chain), none the catch-all.
  assert.match(results[0]!.request, /^MTLS_SERVER_/);
  assert.deepEqual(results.slice(1).map((r) => r.request), ['MTLS_CLIENT_CERT_EXPIRED', 'MTLS_CLIENT_CERT_REQUIRED']);
});

test('a non-loopback --listen needs --allow-remote; --no-token is explicit and warned about', async () => {
  const refused = await runCli(['bridge', '--to', nginx.url, '--listen', '0.0.0.0:0', '--cacert', pki.rootCa]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /MTLS_BRIDGE_NOT_LOOPBACK/);
  const open = await spawnBridge(['--to', nginx.url, '--no-token', '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.match(open.stderr(), /--no-token: every program on this machine/);
  assert.equal(open.token, '');
  assert.match(curl([`${open.origin}/`]), /verify=SUCCESS/);
  open.signal('SIGINT');
  assert.equal(await open.exited(), 0);
});

test('SIGTERM closes the bridge cleanly (exit 0, closing and closed logged)', async () => {
  bridge.signal('SIGTERM');
  assert.equal(await bridge.exited(), 0);
  assert.match(bridge.stderr(), /SIGTERM: closing/);
  assert.match(bridge.stderr(), /closed\n$/);
});


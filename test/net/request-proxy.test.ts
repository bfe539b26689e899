import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { startNginx } from '../helpers/peers.js';
import { freePort } from '../helpers/tmp.js';
import { issue, makeRequestPki } from './request-pki.js';

/** HTTPS_PROXY: the proxy only sees a CONNECT; the client certificate goes end to end to the origin. */
const pki = makeRequestPki();
const origin = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' });

const tunnels: string[] = [];
const proxy = createServer((_req, res) => res.writeHead(405).end());
proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
  tunnels.push(req.url ?? '');
  if (req.headers['proxy-authorization'] === undefined && req.url?.startsWith('refused.test')) {
    client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    return;
  }
  const [host, port] = (req.url ?? '').split(':');
  const upstream = connect({ host: host === 'refused.test' ? '127.0.0.1' : host, port: Number(port) }, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
after(() => {
  proxy.closeAllConnections();
  proxy.close();
});
const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
const credentials = ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa];

describe('mtls request through HTTPS_PROXY', () => {
  it('tunnels with CONNECT and presents the client certificate to the origin', async () => {
    const before = tunnels.length;
    const result = await runCli(['request', origin.url, ...credentials, '-v'], { env: { HTTPS_PROXY: proxyUrl } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /subject=CN=good client/);
    assert.match(result.stderr, /CONNECT through 127\.0\.0\.1/);
    assert.deepEqual(tunnels.slice(before), [`127.0.0.1:${origin.port}`]);
  });

  it('credentials for an http:// proxy are sent (as curl does) with a warning that they cross in clear, and never printed', async () => {
    const withCredentials = proxyUrl.replace('http://', 'http://plain-user:plain-pw-2718@');
    const result = await runCli(['request', origin.url, ...credentials, '-v'], { env: { HTTPS_PROXY: withCredentials } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /cross the network in clear/);
    assert.equal((result.stdout + result.stderr).includes('plain-pw-2718'), false);
  });

  it('NO_PROXY bypasses the proxy', async () => {
    const before = tunnels.length;
    const result = await runCli(['request', origin.url, ...credentials], { env: { HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(tunnels.length, before);
  });

  it('a proxy that refuses the tunnel → MTLS_PROXY_FAILED, exit 1', async () => {
    const url = `https://refused.test:${origin.port}/`;
    const result = await runCli(['request', url, ...credentials, '--json'], { env: { HTTPS_PROXY: proxyUrl } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(JSON.parse(result.stdout).diagnosis.code, 'MTLS_PROXY_FAILED');
    assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  });
});

/**
 * An https:// proxy speaks TLS before anything else, so CONNECT and Proxy-Authorization are
 * encrypted (curl does the same); it has its own CA, given with --proxy-cacert. The test proxy is
 * an https server: a CONNECT reaches its handler only through a TLS handshake it completed.
 */
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'pr0xy-s3cret-pw';
const proxyCert = issue(pki.dir, 'https-proxy', 'mtls test https proxy', 'other', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n');
/** Each test uses its own proxy user name, so tests running at once can tell their CONNECTs apart. */
const secureProxy = { handshakes: 0, connects: [] as { url: string; encrypted: boolean; user: string; password: string }[] };
const httpsProxy = createHttpsServer({ cert: readFileSync(proxyCert.cert), key: readFileSync(proxyCert.key) }, (_req, res) => res.writeHead(405).end());
httpsProxy.on('secureConnection', () => secureProxy.handshakes++);
httpsProxy.on('tlsClientError', () => undefined);
httpsProxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
  const basic = /^Basic (.+)$/.exec(req.headers['proxy-authorization'] ?? '')?.[1];
  const [user = '', password = ''] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
  secureProxy.connects.push({ url: req.url ?? '', encrypted: (req.socket as Socket & { encrypted?: boolean }).encrypted === true, user, password });
  if (password !== PROXY_PASSWORD) {
    client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n');
    return;
  }
  const [host, port] = (req.url ?? '').split(':');
  const upstream = connect({ host, port: Number(port) }, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client).pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise<void>((resolve) => httpsProxy.listen(0, '127.0.0.1', resolve));

/** A plain TCP listener posing as a SOCKS proxy: it records whatever arrives and answers nothing. */
const socksBytes: Buffer[] = [];
let socksConnections = 0;
const socksListener = createNetServer((socket) => {
  socksConnections++;
  socket.on('data', (chunk: Buffer) => socksBytes.push(chunk));
  socket.on('error', () => undefined);
  setTimeout(() => socket.destroy(), 2000).unref();
});
await new Promise<void>((resolve) => socksListener.listen(0, '127.0.0.1', resolve));
const closedPort = await freePort();
after(() => {
  httpsProxy.closeAllConnections();
  httpsProxy.close();
  socksListener.close();
});
const securePort = (httpsProxy.address() as { port: number }).port;
const socksPort = (socksListener.address() as { port: number }).port;
const secureProxyUrl = (user: string) => `https://${user}:${PROXY_PASSWORD}@127.0.0.1:${securePort}`;
const connectsBy = (user: string) => secureProxy.connects.filter((c) => c.user === user);

function assertNoProxySecret(result: CliResult): void {
  const all = result.stdout + result.stderr;
  assert.doesNotMatch(all, STACK_TRACE);
  assert.equal(all.includes(PROXY_PASSWORD), false, 'the proxy password was printed');
  for (const user of [PROXY_USER, 'tunnel', 'flag', 'untrusted', 'insecure', 'bypass']) {
    assert.equal(all.includes(Buffer.from(`${user}:${PROXY_PASSWORD}`).toString('base64')), false, 'the proxy credentials were printed (base64)');
  }
}

function jsonCode(result: CliResult): string | undefined {
  const document = JSON.parse(result.stdout) as { diagnosis?: { code: string } | null; error?: { code: string } };
  return document.diagnosis?.code ?? document.error?.code;
}

describe('mtls request through an https:// proxy', { concurrency: true }, () => {
  it('TLS to the proxy (--proxy-cacert), CONNECT and Proxy-Authorization inside it, mTLS end to end; credentials never printed', async () => {
    const handshakesBefore = secureProxy.handshakes;
    const verbose = await runCli(['request', origin.url, ...credentials, '-v', '--proxy-cacert', pki.otherCa], { env: { HTTPS_PROXY: secureProxyUrl('tunnel') } });
    assert.equal(verbose.code, 0, verbose.stderr);
    assert.match(verbose.stdout, /subject=CN=good client/);
    assert.match(verbose.stderr, new RegExp(`CONNECT through 127\\.0\\.0\\.1:${securePort}`));
    assertNoProxySecret(verbose);
    const json = await runCli(['request', origin.url, ...credentials, '--json', '--proxy-cacert', pki.otherCa], { env: { HTTPS_PROXY: secureProxyUrl('tunnel') } });
    assert.equal(json.code, 0, json.stderr);
    assert.equal(JSON.parse(json.stdout).tls.proxy, `127.0.0.1:${securePort}`);
    assertNoProxySecret(json);
    const seen = connectsBy('tunnel');
    assert.equal(seen.length, 2);
    for (const connect of seen) {
      assert.equal(connect.url, `127.0.0.1:${origin.port}`);
      assert.equal(connect.encrypted, true, 'CONNECT arrived outside TLS');
      assert.equal(connect.password, PROXY_PASSWORD);
    }
    assert.ok(secureProxy.handshakes >= handshakesBefore + 2, 'the proxy completed no TLS handshake');
  });

  it('--proxy URL works as HTTPS_PROXY does (and wins over it)', async () => {
    const result = await runCli(['request', origin.url, ...credentials, '--proxy', secureProxyUrl('flag'), '--proxy-cacert', pki.otherCa], { env: { HTTPS_PROXY: `http://127.0.0.1:${closedPort}` } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(connectsBy('flag').length, 1);
    assertNoProxySecret(result);
  });

  it("a proxy whose CA is not trusted → MTLS_PROXY_TLS_FAILED, exit 1, and no CONNECT was sent", async () => {
    const result = await runCli(['request', origin.url, ...credentials, '--json'], { env: { HTTPS_PROXY: secureProxyUrl('untrusted') } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(jsonCode(result), 'MTLS_PROXY_TLS_FAILED');
    assert.match(result.stderr, /--proxy-cacert/);
    assertNoProxySecret(result);
    assert.equal(connectsBy('untrusted').length, 0);
  });

  it('--proxy-insecure skips verifying the proxy, loudly', async () => {
    const result = await runCli(['request', origin.url, ...credentials, '--proxy-insecure'], { env: { HTTPS_PROXY: secureProxyUrl('insecure') } });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /--proxy-insecure: the proxy certificate is NOT verified/);
    assertNoProxySecret(result);
  });

  it('wrong proxy credentials (HTTP 407) → MTLS_PROXY_AUTH_FAILED, the password never shown', async () => {
    const wrong = `https://wrong:not-${PROXY_PASSWORD}@127.0.0.1:${securePort}`;
    const result = await runCli(['request', origin.url, ...credentials, '--json', '-v', '--proxy-cacert', pki.otherCa], { env: { https_proxy: wrong } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(jsonCode(result), 'MTLS_PROXY_AUTH_FAILED');
    assertNoProxySecret(result);
  });

  it('an http:// proxy written as https:// → MTLS_PROXY_TLS_FAILED that says so', async () => {
    const result = await runCli(['request', origin.url, ...credentials], { env: { HTTPS_PROXY: proxyUrl.replace('http:', 'https:') } });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /MTLS_PROXY_TLS_FAILED/);
    assert.match(result.stderr, /does not speak TLS/);
  });

  it('a proxy that is not there → MTLS_PROXY_UNREACHABLE naming the proxy, not the server', async () => {
    const result = await runCli(['request', origin.url, ...credentials, '--json'], { env: { HTTPS_PROXY: `https://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${closedPort}` } });
    assert.equal(result.code, 1, result.stderr);
    assert.equal(jsonCode(result), 'MTLS_PROXY_UNREACHABLE');
    assert.match(result.stderr, new RegExp(`proxy 127\\.0\\.0\\.1:${closedPort}`));
    assertNoProxySecret(result);
  });

  it('--noproxy and --proxy "" connect directly', async () => {
    const [bypass, none] = await Promise.all([
      runCli(['request', origin.url, ...credentials, '--noproxy', '127.0.0.1'], { env: { HTTPS_PROXY: secureProxyUrl('bypass') } }),
      runCli(['request', origin.url, ...credentials, '--proxy', ''], { env: { ALL_PROXY: `socks5://127.0.0.1:${socksPort}` } }),
    ]);
    assert.equal(bypass.code, 0, bypass.stderr);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(connectsBy('bypass').length, 0);
  });
});

describe('mtls request with a proxy it cannot use: exit 2 before any traffic', { concurrency: true }, () => {
  it('SOCKS (ALL_PROXY=socks5://…) → MTLS_PROXY_UNSUPPORTED, and the SOCKS peer gets no CONNECT', async () => {
    const cases: Record<string, string>[] = [
      { ALL_PROXY: `socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:${socksPort}` },
      { all_proxy: `socks5h://127.0.0.1:${socksPort}` },
      { HTTPS_PROXY: `socks4://127.0.0.1:${socksPort}` },
      { HTTPS_PROXY: `ftp://127.0.0.1:${socksPort}` },
    ];
    const results = await Promise.all(cases.map((env) => runCli(['request', origin.url, ...credentials, '--json'], { env })));
    for (const [i, result] of results.entries()) {
      assert.equal(result.code, 2, `${JSON.stringify(cases[i])}: ${result.stderr}`);
      assert.equal(jsonCode(result), 'MTLS_PROXY_UNSUPPORTED');
      assertNoProxySecret(result);
    }
    assert.match(results[0]?.stderr ?? '', /ALL_PROXY="socks5:\/\/proxy-user:\*\*\*@127\.0\.0\.1:\d+": SOCKS proxies are not supported/);
    assert.match(results[0]?.stderr ?? '', /--noproxy HOST/);
    assert.equal(Buffer.concat(socksBytes).includes('CONNECT '), false);
    assert.equal(socksConnections, 0);
  });

  it('a malformed proxy value → MTLS_PROXY_INVALID naming the variable, never exit 3, the password never shown', async () => {
    const values = ['http://[::1', '::::', 'http://127.0.0.1:99999', 'http://', 'http://prox y:3128', `http://${PROXY_USER}:${PROXY_PASSWORD}@[::1`, `http://${PROXY_USER}:${PROXY_PASSWORD}%zz@127.0.0.1:1`];
    const results = await Promise.all([
      ...values.map((value) => runCli(['request', origin.url, ...credentials], { env: { HTTPS_PROXY: value } })),
      runCli(['request', origin.url, ...credentials, '--json', '--proxy', 'http://[::1']),
    ]);
    for (const [i, result] of results.entries()) {
      assert.equal(result.code, 2, `${values[i] ?? '--proxy'}: ${result.stderr}`);
      assertNoProxySecret(result);
    }
    for (const result of results.slice(0, values.length)) assert.match(result.stderr, /MTLS_PROXY_INVALID[\s\S]*HTTPS_PROXY="/);
    assert.equal(jsonCode(results.at(-1) as CliResult), 'MTLS_PROXY_INVALID');
  });
});

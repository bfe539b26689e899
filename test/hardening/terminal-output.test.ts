import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { createServer as createTlsServer } from 'node:tls';
import { join } from 'node:path';
import { x509 } from '../../src/core/pki/x509.js';
import { runInProcess, type InProcessResult } from '../helpers/in-process.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { spawnServe } from '../net/serve-helpers.js';

/**
 * Certificates and servers choose their own text. A subject, a SAN, a server's error page or a
 * header value with ESC, BEL, C1 controls, newlines or bidi overrides must reach the terminal
 * escaped (\x1b, \n, \u202e), in every renderer, so it cannot retitle the window, clear the
 * screen or forge an output line; JSON carries the exact value, escaped as JSON.
 */
const TITLE = '\x1b]0;pwned\x07'; // OSC: set the window title, ended by BEL
const CLEAR = '\x1b[2J'; // CSI: clear the screen
const CSI_C1 = '\u009b31m'; // the one-character C1 CSI
const RLO = '\u202e'; // right-to-left override
const FORGED = '\n✔ valid  forged';
/** What must never reach stdout or stderr raw (tab and newline are mtls's own layout; CR only in \r\n). */
const ACTIVE = /[\u0000-\u0008\u000b-\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|\r(?!\n)/u;

const dir = tempDir('mtls-terminal-');
const at = (name: string) => join(dir, name);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

interface Made {
  cert: string;
  key: string;
  name: x509.Name;
  keys: CryptoKeyPair;
}

async function make(file: string, name: x509.Name, options: { issuer?: Made; ca?: boolean; sans?: x509.JsonGeneralName[]; usage?: string[] }): Promise<Made> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(options.ca === true, undefined, true)];
  if (options.ca) extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true));
  else extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension(options.usage ?? ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']));
  if (options.sans) extensions.push(new x509.SubjectAlternativeNameExtension(options.sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    subject: name,
    issuer: options.issuer?.name ?? name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: options.issuer?.keys.privateKey ?? keys.privateKey,
    extensions,
  });
  writeFileSync(at(`${file}.crt`), pem('CERTIFICATE', cert.rawData));
  writeFileSync(at(`${file}.key`), pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
  return { cert: at(`${file}.crt`), key: at(`${file}.key`), name, keys };
}

const ca = await make('ca', new x509.Name([{ '2.5.4.10': [`hostile CA ${RLO}gnp.exe`] }, { '2.5.4.3': [`CA${TITLE}`] }]), { ca: true });
const leaf = await make('leaf', new x509.Name([{ '2.5.4.10': [`o${CSI_C1}${RLO}`] }, { '2.5.4.11': [`ou${FORGED}`] }, { '2.5.4.3': [`leaf${TITLE}${CLEAR}`] }]), {
  issuer: ca,
  sans: [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'dns', value: `x${CLEAR}.example` },
    { type: 'dns', value: 'a\nOK valid forged.example' },
    { type: 'url', value: `https://h/${TITLE}` },
    { type: 'email', value: 'm\x07@e.com' },
  ],
});
const client = await make('client', new x509.Name([{ '2.5.4.3': [`client${TITLE}${RLO}`] }]), { issuer: ca, usage: ['1.3.6.1.5.5.7.3.2'], sans: [{ type: 'url', value: `spiffe://x/${CLEAR}` }] });
const stranger = await make('stranger', new x509.Name([{ '2.5.4.3': [`stranger${CLEAR}${FORGED}`] }]), { usage: ['1.3.6.1.5.5.7.3.2'] });
const chainFile = at('leaf-chain.crt');
writeFileSync(chainFile, (await import('node:fs')).readFileSync(leaf.cert, 'utf8') + (await import('node:fs')).readFileSync(ca.cert, 'utf8'));

function assertInert(label: string, text: string): void {
  const found = ACTIVE.exec(text);
  assert.equal(found, null, `${label}: a raw ${JSON.stringify(found?.[0])} reached the terminal at …${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 40), (found?.index ?? 0) + 20))}`);
  assert.doesNotMatch(text, /^\s*(✔ valid|OK valid)\s+forged/mu, `${label}: a forged line`);
}

async function cli(label: string, args: string[]): Promise<InProcessResult> {
  const result = await runInProcess(args, { cwd: dir });
  assert.notEqual(result.code, 3, `${label}: ${result.stderr}`);
  assertInert(`${label} stdout`, result.stdout);
  assertInert(`${label} stderr`, result.stderr);
  return result;
}

test('inspect, expiry, chain and match show hostile subjects and SANs from files escaped, and JSON keeps the exact value', async () => {
  const inspect = await cli('inspect FILE', ['inspect', chainFile]);
  assert.equal(inspect.code, 0);
  for (const shown of ['\\x1b]0;pwned\\x07', '\\x1b[2J', 'DNS:x\\x1b[2J.example', 'DNS:a\\nOK valid forged.example', '\\u202e', '\\x9b31m', 'email:m\\x07@e.com']) {
    assert.ok(inspect.stdout.includes(shown), `inspect shows ${shown}:\n${inspect.stdout}`);
  }
  const json = await cli('inspect FILE --json', ['inspect', chainFile, '--json']);
  const sans = (JSON.parse(json.stdout).sources[0].certificates[0].subjectAltNames as { value: string }[]).map((n) => n.value);
  assert.ok(sans.includes(`x${CLEAR}.example`) && sans.includes(`https://h/${TITLE}`), 'JSON carries the exact values');
  assert.ok(json.stdout.includes('\\u009b') && json.stdout.includes('\\u202e'), 'C1 and bidi characters escaped as JSON');

  const expiry = await cli('expiry FILE', ['expiry', chainFile]);
  assert.equal(expiry.code, 0, expiry.stderr);
  // Node writes a subject's C0 controls as RFC 4514 escapes (\1B); C1 and bidi it leaves to us.
  assert.ok(expiry.stdout.includes('leaf\\1B]0\\;pwned\\07'), expiry.stdout);
  const expiryJson = await cli('expiry FILE --json', ['expiry', dir, '--json']);
  assert.ok(JSON.parse(expiryJson.stdout).rows.some((r: { name: string }) => r.name.includes(RLO)));

  await cli('chain verify', ['chain', 'verify', chainFile, '--cacert', ca.cert, '--purpose', 'server']);
  const wrongHost = await cli('chain verify --host', ['chain', 'verify', leaf.cert, '--cacert', client.cert, '--host', 'other.example']);
  assert.equal(wrongHost.code, 1);
  await cli('chain build', ['chain', 'build', leaf.cert, '--from', ca.cert]);
  await cli('match', ['match', leaf.cert, leaf.key]);
  const mismatch = await cli('match (mismatch)', ['match', leaf.cert, client.key, client.cert]);
  assert.equal(mismatch.code, 1);
  assert.ok(mismatch.stdout.includes('\\u202e'), mismatch.stdout);
  // A hostile file name from a folder scan is a value too.
  writeFileSync(at(`name${CLEAR}.crt`), 'not a certificate');
  await cli('expiry of a folder with a hostile file name', ['expiry', dir]);
});

test('inspect of a live endpoint, and request against a server whose error page and headers carry escapes', async () => {
  const { readFileSync } = await import('node:fs');
  const tls = createTlsServer({ cert: readFileSync(chainFile), key: readFileSync(leaf.key) }, (socket) => socket.end());
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  after(() => tls.close());
  const tlsPort = (tls.address() as { port: number }).port;
  const live = await cli('inspect 127.0.0.1:PORT', ['inspect', `127.0.0.1:${tlsPort}`]);
  assert.equal(live.code, 0, live.stderr);
  assert.ok(live.stdout.includes('\\x1b[2J'), live.stdout);
  await cli('expiry 127.0.0.1:PORT', ['expiry', `127.0.0.1:${tlsPort}`]);

  const body = `raw body ${TITLE}${CLEAR}\n`;
  const https = createHttpsServer({ cert: readFileSync(chainFile), key: readFileSync(leaf.key) }, (req, res) => {
    // obs-text goes out as latin-1: the byte 0x9b, which a client reads back as U+009B.
    res.setHeader('x-hostile', `a${CSI_C1}b`);
    if (req.url === '/ok') return res.end(body);
    res.statusCode = 403;
    res.end(`<html><head><title>403 client certificate required ${TITLE}${CLEAR}</title></head><body>${FORGED}</body></html>`);
  });
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  after(() => https.close());
  const url = `https://127.0.0.1:${(https.address() as { port: number }).port}`;
  // The leaf's hostile SAN is a malformed DNS name, which request refuses as chain verify does
  // (docs/checks.md): --insecure goes on to the HTTP answer, whose escaping is the point here.
  // The refusal page is still the response, written to stdout as curl writes it (not one byte
  // changed, like any body); the head lines (-i) and the diagnosis on stderr are mtls's and escaped.
  const refused = await runInProcess(['request', `${url}/`, '--cacert', ca.cert, '--insecure', '-i', '-v'], { cwd: dir });
  assert.notEqual(refused.code, 3, refused.stderr);
  assertInert('request (403 page) stderr', refused.stderr);
  const [head = '', page = ''] = refused.stdout.split('\r\n\r\n');
  assertInert('request (403 page) head', head);
  assert.ok(page.startsWith('<html><head><title>403 client certificate required'), page);
  assert.equal(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /MTLS_CLIENT_CERT_REQUIRED/);
  assert.ok(refused.stderr.includes('\\x1b]0;pwned\\x07\\x1b[2J'), refused.stderr);
  assert.ok(refused.stdout.includes('\\x9b31mb'), refused.stdout);
  const refusedJson = await cli('request --json (403 page)', ['request', `${url}/`, '--cacert', ca.cert, '--insecure', '--json']);
  assert.ok(JSON.parse(refusedJson.stdout).diagnosis.summary.includes(TITLE), 'JSON carries the page title exactly');
  await cli('doctor URL', ['doctor', `${url}/`, '--cacert', ca.cert]);

  // The body is the result, as curl writes it: not one byte changed.
  const ok = await runInProcess(['request', `${url}/ok`, '--cacert', ca.cert, '--insecure'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, body);
});

test('mtls serve logs a hostile client certificate (verified or refused) escaped', async () => {
  const { readFileSync } = await import('node:fs');
  const server = await spawnServe(['--cert', chainFile, '--key', leaf.key, '--client-ca', ca.cert, '--port', '0']);
  const get = (identity: Made) =>
    new Promise<number>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: server.port, path: '/', ca: readFileSync(ca.cert), cert: readFileSync(identity.cert), key: readFileSync(identity.key) }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  assert.equal(await get(client), 200);
  await server.waitFor(() => / 200 GET \/ from /.test(server.stderr()), 'the request line');
  assert.ok(await get(stranger).catch(() => 0) !== 200);
  await server.waitFor(() => /refused|handshake failed/.test(server.stderr()), 'the refusal line');
  server.signal('SIGTERM');
  await server.exited();
  assertInert('serve stderr', server.stderr());
  assertInert('serve stdout', server.stdout());
  assert.ok(server.stderr().includes('CN=client\\1B]0\\;pwned\\07\\u202e" (spiffe://x/\\x1b[2J)'), server.stderr());
  assert.ok(server.stderr().includes('the client certificate "stranger\\1B[2J\\0A✔ valid  forged"'), server.stderr());
});

test('URL credentials: inspect and expiry (and request, doctor) never print the password or token, in text, JSON or connection errors', async () => {
  const { readFileSync } = await import('node:fs');
  const tls = createTlsServer({ cert: readFileSync(chainFile), key: readFileSync(leaf.key) }, (socket) => socket.end());
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  after(() => tls.close());
  const port = (tls.address() as { port: number }).port;
  const closed = await freePort();
  const secrets = ['s3cret', 'TOKEN123'];
  const urls = [`https://user:s3cret@127.0.0.1:${port}`, `https://TOKEN123@127.0.0.1:${port}/`, `https://user:s3cret@127.0.0.1:${closed}`, `https://TOKEN123@127.0.0.1:${closed}/`, `https://user:s3cret@127.0.0.1:99999/`];
  for (const target of urls) {
    // request and doctor redacted before; they stay in the loop to keep all four on the one function.
    const commands = target.includes(`:${closed}`) ? ['inspect', 'expiry', 'request', 'doctor'] : ['inspect', 'expiry'];
    for (const command of commands) {
      for (const json of [[], ['--json']]) {
        const result = await runInProcess([command, target, ...json], { cwd: dir });
        const label = `${command} ${target} ${json.join('')}`;
        assert.notEqual(result.code, 3, `${label}: ${result.stderr}`);
        for (const secret of secrets) {
          assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret), `${label} printed ${secret}:\n${result.stdout}${result.stderr}`);
        }
        // request and doctor name a refused endpoint by host:port alone; inspect by the URL given,
        // redacted; expiry by the URL less its userinfo (its rows become metric labels).
        if (command === 'inspect') assert.match(result.stdout + result.stderr, /\*\*\*@127\.0\.0\.1/, `${label} names the endpoint, redacted`);
        if (command === 'expiry') assert.match(result.stdout + result.stderr, /https:\/\/(\*\*\*@)?127\.0\.0\.1/, `${label} names the endpoint, redacted`);
      }
    }
  }
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { makeRequestPki } from './request-pki.js';

/** curl's request surface against a Node https server that echoes what it received. */
const pki = makeRequestPki();
const echo = createServer(
  { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key), ca: readFileSync(pki.rootCa), requestCert: true, rejectUnauthorized: true },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/never') return; // answers nothing: --max-time must end the wait
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const status = req.url === '/missing' ? 404 : 200;
      res.writeHead(status, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString(), client: peer.subject?.CN }));
    });
  },
);
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
after(() => {
  echo.closeAllConnections();
  echo.close();
});
const base = `https://localhost:${(echo.address() as { port: number }).port}`;
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'self-signed.key', '-out', 'self-signed.crt',
  '-subj', '/CN=self-signed server', '-days', '36500', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: pki.dir, stdio: 'ignore' });
const selfSigned = await startOpenSslServer({ cert: join(pki.dir, 'self-signed.crt'), key: join(pki.dir, 'self-signed.key') });
const credentials = ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa];

async function request(args: string[]) {
  const result = await runCli(['request', ...args, ...credentials], { cwd: pki.dir });
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  return result;
}

describe('mtls request: the curl surface', { concurrency: true }, () => {
  it('-X, -H and -d @file send the method, headers and body', async () => {
    writeFileSync(join(pki.dir, 'body.txt'), 'from a file');
    const result = await request([`${base}/items`, '-X', 'PUT', '-H', 'X-Trace: abc', '-d', '@body.txt']);
    assert.equal(result.code, 0, result.stderr);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.method, 'PUT');
    assert.equal(seen.headers['x-trace'], 'abc');
    assert.equal(seen.body, 'from a file');
    assert.equal(seen.client, 'good client');
  });

  it('user:password in the URL is sent as Basic auth, as curl does, and never shown', async () => {
    const secretUrl = base.replace('https://', 'https://ana:url-secret-77@');
    const result = await request([`${secretUrl}/auth`, '-v']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).headers.authorization, `Basic ${Buffer.from('ana:url-secret-77').toString('base64')}`);
    assert.ok(!result.stderr.includes('url-secret-77'));
    const json = await request([`${secretUrl}/auth`, '--json']);
    assert.ok(!json.stdout.includes('url-secret-77'));
    assert.match(JSON.parse(json.stdout).url, /ana:\*\*\*@/);
  });

  it('a stray % in the URL password is sent as typed (curl does the same), not an internal error', async () => {
    const result = await request([`${base.replace('https://', 'https://ana:p%zz@')}/auth`]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(JSON.parse(result.stdout).headers.authorization, `Basic ${Buffer.from('ana:p%zz').toString('base64')}`);
    assert.ok(!result.stderr.includes('p%zz'));
  });

  it('--data-json posts JSON with JSON headers', async () => {
    const result = await request([`${base}/`, '--data-json', '{"a":1}']);
    const seen = JSON.parse(result.stdout);
    assert.equal(seen.method, 'POST');
    assert.equal(seen.headers['content-type'], 'application/json');
    assert.equal(seen.body, '{"a":1}');
  });

  it('-i prints the status and headers; -o writes the body to a file', async () => {
    const included = await request([`${base}/`, '-i']);
    assert.match(included.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(included.stdout, /x-echo: yes/);
    const saved = await request([`${base}/saved`, '-o', 'out.json']);
    assert.equal(saved.stdout, '');
    assert.equal(JSON.parse(readFileSync(join(pki.dir, 'out.json'), 'utf8')).url, '/saved');
  });

  it('-o onto a folder is MTLS_WRITE_FAILED (exit 2), not an internal error; an existing file is overwritten, as curl does', async () => {
    const onFolder = await request([`${base}/`, '-o', pki.dir]);
    assert.equal(onFolder.code, 2, onFolder.stderr);
    assert.match(onFolder.stderr, /MTLS_WRITE_FAILED/);
    writeFileSync(join(pki.dir, 'again.json'), 'old');
    assert.equal((await request([`${base}/again`, '-o', 'again.json'])).code, 0);
    assert.equal(JSON.parse(readFileSync(join(pki.dir, 'again.json'), 'utf8')).url, '/again');
  });

  it('an HTTP 404 exits 0, as in curl; with --fail it is MTLS_HTTP_ERROR_STATUS, exit 1', async () => {
    assert.equal((await request([`${base}/missing`])).code, 0);
    const failed = await request([`${base}/missing`, '--fail', '--json']);
    assert.equal(failed.code, 1);
    assert.equal(JSON.parse(failed.stdout).diagnosis.code, 'MTLS_HTTP_ERROR_STATUS');
  });

  it('--json prints one document with the TLS facts and the response', async () => {
    const result = await request([`${base}/`, '--json', '-v']);
    const document = JSON.parse(result.stdout);
    assert.equal(document.kind, 'request');
    assert.equal(document.ok, true);
    assert.equal(document.tls.version, 'TLSv1.3');
    assert.equal(document.tls.clientCertificate.offered.subject, 'O=mtls tests, CN=good client');
    assert.equal(document.response.status, 200);
    assert.match(result.stderr, /timings +dns/);
  });

  it('a server that never answers the request, --max-time 1 → MTLS_REQUEST_TIMEOUT', async () => {
    const result = await request([`${base}/never`, '--max-time', '1', '--json']);
    assert.equal(result.code, 1);
    assert.equal(JSON.parse(result.stdout).diagnosis.code, 'MTLS_REQUEST_TIMEOUT');
  });

  it('a self-signed server → MTLS_SERVER_CERT_SELF_SIGNED; -k goes on, with a loud warning', async () => {
    const refused = await runCli(['request', selfSigned.url, '--json']);
    assert.equal(refused.code, 1);
    assert.equal(JSON.parse(refused.stdout).diagnosis.code, 'MTLS_SERVER_CERT_SELF_SIGNED');
    const insecure = await runCli(['request', selfSigned.url, '-k']);
    assert.equal(insecure.code, 0, insecure.stderr);
    assert.match(insecure.stderr, /--insecure: the server certificate is NOT verified/);
  });
});

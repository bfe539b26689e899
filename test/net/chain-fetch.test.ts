import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { issue } from '../unit/chain-corpus.js';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { runCliMeasured } from '../helpers/measured.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * `chain build --fetch` against a real HTTP server on 127.0.0.1 publishing the intermediate at
 * the leaf's AIA caIssuers URL, as CAs do (DER, application/pkix-cert).
 */
const dir = tempDir();
const now = new Date();
const root = await issue({ name: 'fetch root', ca: true }, now);
const intermediate = await issue({ name: 'fetch intermediate', ca: true, issuer: root, pathLen: 0 }, now);
/** Sends bytes until the client goes away, minding backpressure (an answer of no end). */
function pumpForever(response: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  const write = () => {
    while (!response.destroyed && response.write(chunk));
    if (!response.destroyed) response.once('drain', write);
  };
  write();
}

const server = createServer((request, response) => {
  if (request.url === '/intermediate.der') {
    response.writeHead(200, { 'content-type': 'application/pkix-cert' });
    response.end(Buffer.from(intermediate.cert.rawData));
  } else if (request.url === '/endless.der') {
    response.writeHead(200, { 'content-type': 'application/pkix-cert' });
    pumpForever(response);
  } else if (request.url === '/honest-huge.der') {
    // Says 3 GiB up front, and would send them.
    response.writeHead(200, { 'content-type': 'application/pkix-cert', 'content-length': String(3 * 1024 ** 3) });
    pumpForever(response);
  } else {
    response.writeHead(404).end();
  }
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
// A private root is in no system store: it is given as a candidate, as a user would.
writeFileSync(join(dir, 'root.pem'), root.cert.toString('pem'));

test('chain build --fetch downloads the missing intermediate from the AIA URL and orders the chain', async () => {
  const leaf = await issue({ name: 'fetch leaf', issuer: intermediate, ca: 'false', eku: ['1.3.6.1.5.5.7.3.1'], dns: ['leaf.example'], caIssuers: [`${base}/intermediate.der`] }, now);
  writeFileSync(join(dir, 'leaf.pem'), leaf.cert.toString('pem'));
  const result = await runCli(['chain', 'build', join(dir, 'leaf.pem'), '--fetch', '--from', join(dir, 'root.pem')], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  // Leaf and the fetched intermediate; the root stays out unless --include-root.
  assert.equal(result.stdout.match(/-----BEGIN CERTIFICATE-----/g)?.length, 2);
  assert.match(result.stderr, /fetched: http:\/\/127\.0\.0\.1:\d+\/intermediate\.der → 'fetch intermediate'/);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
});

test('an AIA URL that answers 404 is reported, and the chain is called incomplete (exit 1)', async () => {
  const leaf = await issue({ name: 'orphan leaf', issuer: intermediate, ca: 'false', caIssuers: [`${base}/missing.der`] }, now);
  writeFileSync(join(dir, 'orphan.pem'), leaf.cert.toString('pem'));
  const result = await runCli(['chain', 'build', join(dir, 'orphan.pem'), '--fetch', '--from', join(dir, 'root.pem')], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /missing\.der → HTTP 404/);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
});

test('an AIA URL that answers without end, or announces 3 GiB, is cut at the 1 MiB cap while streaming: prompt, in bounded memory', async () => {
  const leaf = await issue({ name: 'flooded leaf', issuer: intermediate, ca: 'false', caIssuers: [`${base}/endless.der`, `${base}/honest-huge.der`] }, now);
  writeFileSync(join(dir, 'flooded.pem'), leaf.cert.toString('pem'));
  const result = await runCliMeasured(['chain', 'build', join(dir, 'flooded.pem'), '--fetch', '--from', join(dir, 'root.pem')], { cwd: dir, timeoutMs: 60_000 });
  assert.equal(result.killed, false, 'chain build --fetch did not end');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /endless\.der → the answer is too large to be a certificate/);
  assert.match(result.stderr, /honest-huge\.der → the answer is too large to be a certificate/);
  assert.ok(result.maxRssMb < 250, `peak RSS ${result.maxRssMb} MB`);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
});

/**
 * `chain verify --fetch` (AIA caIssuers) and `--crl-fetch` (cRLDistributionPoints) against a real
 * HTTP server on 127.0.0.1 that publishes the intermediate and the CA's CRL, as CAs do.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issue } from '../unit/chain-corpus.js';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { x509 } from '../../src/core/pki/x509.js';

const dir = tempDir();
const now = new Date();
const DAY = 86_400_000;
let crlDer = Buffer.alloc(0);
const server = createServer((request, response) => {
  if (request.url === '/ica.der') response.writeHead(200, { 'content-type': 'application/pkix-cert' }).end(Buffer.from(ica.cert.rawData));
  else if (request.url === '/ica.crl') response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crlDer);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());
const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
const root = await issue({ name: 'verify fetch root', ca: true }, now);
const ica = await issue({ name: 'verify fetch ICA', ca: true, issuer: root }, now);
const leaf = await issue({ name: 'vf.test', issuer: ica, eku: ['1.3.6.1.5.5.7.3.1'], dns: ['vf.test'], caIssuers: [`${base}/ica.der`], extensions: [new x509.CRLDistributionPointsExtension([`${base}/ica.crl`])] }, now);
const crl = await x509.X509CrlGenerator.create({
  issuer: ica.cert.subject, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + DAY), signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, signingKey: ica.keys.privateKey,
  entries: [{ serialNumber: leaf.cert.serialNumber, revocationDate: new Date(now.getTime() - DAY) }], extensions: [new x509.Extension('2.5.29.20', false, Uint8Array.from([0x02, 0x01, 0x01]))],
});
crlDer = Buffer.from(crl.rawData);
writeFileSync(join(dir, 'root.pem'), root.cert.toString('pem'));
writeFileSync(join(dir, 'leaf.pem'), leaf.cert.toString('pem'));

test('chain verify --fetch downloads the missing intermediate; without it the issuer is missing', async () => {
  const without = await runCli(['chain', 'verify', 'leaf.pem', '--cacert', 'root.pem', '--host', 'vf.test'], { cwd: dir });
  assert.equal(without.code, 1);
  assert.match(without.stdout, /lacks its issuer/);
  const fetched = await runCli(['chain', 'verify', 'leaf.pem', '--cacert', 'root.pem', '--host', 'vf.test', '--fetch'], { cwd: dir });
  assert.equal(fetched.code, 0, fetched.stdout + fetched.stderr);
  assert.match(fetched.stdout, /Downloaded: http:\/\/127\.0\.0\.1:\d+\/ica\.der: ok/);
});

test('chain verify --crl-fetch downloads the CRL from the distribution point and finds the leaf revoked', async () => {
  const result = await runCli(['chain', 'verify', 'leaf.pem', '--cacert', 'root.pem', '--host', 'vf.test', '--fetch', '--crl-fetch'], { cwd: dir });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /is revoked by its CA 'verify fetch ICA'/);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
});

/**
 * `chain verify --crl` and `--max-depth` end to end (the built CLI): a revoked certificate is exit 1
 * with MTLS_CHAIN_REVOKED, a CRL that does not parse is exit 2 with MTLS_CRL_UNREADABLE, a chain
 * deeper than --max-depth is exit 1 with MTLS_CHAIN_TOO_DEEP; `--json` carries warnings and the search.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { issue } from '../unit/chain-corpus.js';
import { x509 } from '../../src/core/pki/x509.js';

const dir = tempDir('mtls-chain-crl-');
const now = new Date();
const DAY = 86_400_000;
const root = await issue({ name: 'CLI CRL Root', ca: true }, now);
const ica = await issue({ name: 'CLI CRL ICA', issuer: root, ca: true }, now);
const leaf = await issue({ name: 'crl.cli.test', issuer: ica, dns: ['crl.cli.test'], eku: ['1.3.6.1.5.5.7.3.1'], keyUsage: x509.KeyUsageFlags.digitalSignature }, now);
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const rootPem = write('root.pem', root.cert.toString('pem'));
const icaPem = write('ica.pem', ica.cert.toString('pem'));
const leafPem = write('leaf.pem', leaf.cert.toString('pem'));
const crl = await x509.X509CrlGenerator.create({
  issuer: ica.cert.subject, thisUpdate: new Date(now.getTime() - DAY), nextUpdate: new Date(now.getTime() + DAY), signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' }, signingKey: ica.keys.privateKey,
  entries: [{ serialNumber: leaf.cert.serialNumber, revocationDate: new Date(now.getTime() - DAY) }], extensions: [new x509.Extension('2.5.29.20', false, Uint8Array.from([0x02, 0x01, 0x05]))],
});
const crlPem = write('ica.crl', crl.toString('pem'));

test('chain verify --crl: a revoked leaf is exit 1, MTLS_CHAIN_REVOKED', async () => {
  const result = await runCli(['chain', 'verify', leafPem, '--cacert', rootPem, '--untrusted', icaPem, '--crl', crlPem, '--purpose', 'server', '--host', 'crl.cli.test']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /is revoked by its CA 'CLI CRL ICA'/);
  assert.match(result.stdout, /MTLS_CHAIN_REVOKED/);
});

test('chain verify --crl with a file that is not a CRL is exit 2, MTLS_CRL_UNREADABLE, no stack trace', async () => {
  const result = await runCli(['chain', 'verify', leafPem, '--cacert', rootPem, '--untrusted', icaPem, '--crl', leafPem]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr + result.stdout, /MTLS_CRL_UNREADABLE/);
  assert.doesNotMatch(result.stderr, STACK_TRACE);
});

test('chain verify --max-depth 0 refuses one intermediate; --json has warnings and search', async () => {
  const deep = await runCli(['chain', 'verify', leafPem, '--cacert', rootPem, '--untrusted', icaPem, '--max-depth', '0']);
  assert.equal(deep.code, 1, deep.stdout);
  assert.match(deep.stdout, /MTLS_CHAIN_TOO_DEEP/);
  const json = await runCli(['chain', 'verify', leafPem, '--cacert', rootPem, '--untrusted', icaPem, '--json']);
  assert.equal(json.code, 0, json.stdout);
  const doc = JSON.parse(json.stdout) as { warnings: unknown[]; search: { paths: number; bounded: boolean } };
  assert.deepEqual(doc.warnings, []);
  assert.equal(doc.search.bounded, false);
});

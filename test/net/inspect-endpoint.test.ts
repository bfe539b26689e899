import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runCli, ROOT, STACK_TRACE } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';

const F = join(ROOT, 'fixtures/credentials');
const dir = tempDir();
// s_server wants the leaf alone in -cert and the rest in -cert_chain.
const [serverLeaf, intermediate] = readFileSync(join(F, 'server-fullchain.pem'), 'utf8').split(/(?<=-----END CERTIFICATE-----\n)/);
writeFileSync(join(dir, 'server.pem'), serverLeaf ?? '');
writeFileSync(join(dir, 'chain.pem'), intermediate ?? '');

test('inspect host:port shows the chain exactly as the server sent it (no root added from a local store)', async () => {
  const server = await startOpenSslServer({ cert: join(dir, 'server.pem'), key: join(F, 'server-key-pkcs8.pem'), chain: join(dir, 'chain.pem') });
  const result = await runCli(['inspect', `127.0.0.1:${server.port}`, '--json'], { env: { MTLS_CA_PATH: join(F, 'root-ca.pem') } });
  assert.equal(result.code, 0, result.stderr);
  const source = JSON.parse(result.stdout).sources[0];
  assert.deepEqual(source.certificates.map((c: { role: string; subjectCommonName: string }) => `${c.role}:${c.subjectCommonName}`), [
    'leaf:server',
    'intermediate CA:mtls fixtures intermediate',
  ]);
  assert.ok(source.connection.protocol.startsWith('TLSv1.'));
  assert.deepEqual(source.findings, [], 'leaf + intermediate, root left to the client: as it should be');

  const human = await runCli(['inspect', `https://127.0.0.1:${server.port}/`]);
  assert.match(human.stdout, /TLS endpoint, 2 certificates/);
  assert.match(human.stdout, /#1 leaf "server"\n\s+└─ #2 intermediate CA/);
});

test('inspect presents a client certificate to a server that requires one', async () => {
  const server = await startOpenSslServer({
    cert: join(dir, 'server.pem'),
    key: join(F, 'server-key-pkcs8.pem'),
    chain: join(dir, 'chain.pem'),
    clientCa: join(F, 'root-ca.pem'),
    clientAuth: 'require',
    tls: '1.2',
  });
  const withCert = await runCli([
    'inspect', `127.0.0.1:${server.port}`, '--json',
    '--cert', join(F, 'client-chain-in-order.pem'), '--key', join(F, 'client-key-pkcs8.pem'),
  ]);
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.equal(JSON.parse(withCert.stdout).sources[0].connection.clientCertificateSent, true);

  // TLS 1.2: without a certificate the server aborts the handshake itself.
  const without = await runCli(['inspect', `127.0.0.1:${server.port}`]);
  assert.equal(without.code, 1);
  assert.match(without.stderr, /MTLS_ENDPOINT_UNREACHABLE/);
  assert.doesNotMatch(without.stderr, STACK_TRACE);
});

test('an endpoint where nothing listens is reported, exit 1', async () => {
  const result = await runCli(['inspect', '127.0.0.1:1', '--connect-timeout', '3']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /connection refused/);
});

test('inspect host:port says whether the server asks for a client certificate and which CAs it accepts; --out saves the chain (0644, no overwrite without --force)', async () => {
  const requesting = await startOpenSslServer({ cert: join(dir, 'server.pem'), key: join(F, 'server-key-pkcs8.pem'), chain: join(dir, 'chain.pem'), clientCa: join(F, 'root-ca.pem'), clientAuth: 'request', tls: '1.2' });
  const human = await runCli(['inspect', `127.0.0.1:${requesting.port}`]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /Client cert\s+requested; CAs accepted: "[^"]*mtls fixtures root[^"]*"/);
  const json = JSON.parse((await runCli(['inspect', `127.0.0.1:${requesting.port}`, '--json'])).stdout);
  assert.equal(json.sources[0].connection.clientCertificateRequest.requested, true);
  assert.match(json.sources[0].connection.clientCertificateRequest.acceptedCas[0], /mtls fixtures root/);

  const plain = await startOpenSslServer({ cert: join(dir, 'server.pem'), key: join(F, 'server-key-pkcs8.pem'), chain: join(dir, 'chain.pem') });
  const none = await runCli(['inspect', `127.0.0.1:${plain.port}`]);
  assert.match(none.stdout, /Client cert\s+not requested/);

  const out = join(dir, 'presented.pem');
  const saved = await runCli(['inspect', `127.0.0.1:${plain.port}`, '--out', out]);
  assert.equal(saved.code, 0, saved.stderr);
  assert.match(saved.stderr, /Wrote the 2 certificate\(s\)/);
  const pem = readFileSync(out, 'utf8');
  assert.equal(pem.match(/BEGIN CERTIFICATE/g)?.length, 2);
  assert.equal(pem, `${serverLeaf}${intermediate}`.replace(/\n+$/, '\n'));
  const { statSync } = await import('node:fs');
  assert.equal(statSync(out).mode & 0o777, 0o644);
  const again = await runCli(['inspect', `127.0.0.1:${plain.port}`, '--out', out]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /MTLS_FILE_EXISTS/);
  assert.equal((await runCli(['inspect', `127.0.0.1:${plain.port}`, '--out', out, '--force'])).code, 0);
  const notEndpoint = await runCli(['inspect', out, '--out', join(dir, 'x.pem')]);
  assert.equal(notEndpoint.code, 2);
  assert.doesNotMatch(notEndpoint.stderr + saved.stderr + human.stderr, STACK_TRACE);
});

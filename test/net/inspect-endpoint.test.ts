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

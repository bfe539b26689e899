/** `mtls doctor URL` against real servers: what the server asks of a client, and the request with the certificate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startNginx, startOpenSslServer } from '../helpers/peers.js';
import { makeRequestPki } from './request-pki.js';

const pki = makeRequestPki();

interface Doc {
  ok: boolean;
  checks: { id: string; status: string; code?: string; summary: string }[];
}

async function doctor(args: string[]): Promise<{ code: number; doc: Doc; stdout: string }> {
  const result = await runCli(['doctor', ...args, '--json']);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  return { code: result.code, doc: JSON.parse(result.stdout) as Doc, stdout: result.stdout };
}

const byId = (doc: Doc, id: string) => doc.checks.find((c) => c.id === id);

test('openssl s_server -tls1_2 -Verify -CAfile root: a client of another CA exits 1 and the report names the CA the server accepts', async () => {
  const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, tls: '1.2', clientAuth: 'require', clientCa: pki.rootCa });
  const { code, doc } = await doctor([server.url, '--cert', pki.otherCaClient.cert, '--key', pki.otherCaClient.key, '--cacert', pki.rootCa]);
  assert.equal(code, 1);
  const accepted = byId(doc, 'remote.client-cas');
  assert.equal(accepted?.status, 'fail');
  assert.equal(accepted?.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA');
  assert.match(accepted?.summary ?? '', /accepts client certificates from "O=mtls tests, CN=mtls test root CA" only; yours was issued by "O=mtls tests, CN=mtls other CA"/);
  assert.match(byId(doc, 'remote.tls-versions')?.summary ?? '', /Speaks TLS 1\.2; TLS 1\.3 refused/);
  assert.equal(byId(doc, 'remote.request')?.status, 'fail');
});

test('nginx with ssl_verify_client on: a good certificate exits 0 and the report says a client certificate is required; without one, exit 1', async () => {
  const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' });
  const good = await runCli(['doctor', nginx.url, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /PASS {2}Client certificate requested: The server requires a client certificate/);
  assert.match(good.stdout, /PASS {2}Request with the client certificate: GET .* → HTTP 200/);

  const without = await doctor([nginx.url, '--cacert', pki.rootCa]);
  assert.equal(without.code, 1);
  assert.equal(byId(without.doc, 'remote.request')?.code, 'MTLS_CLIENT_CERT_REQUIRED');
});

test('a TLS 1.3-only server: the accepted CAs cannot be read, and the report says why', async () => {
  const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, tls: '1.3', clientAuth: 'require', clientCa: pki.rootCa });
  const { code, doc } = await doctor([server.url, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(code, 0, JSON.stringify(doc.checks.filter((c) => c.status === 'fail')));
  const cas = byId(doc, 'remote.client-cas');
  assert.equal(cas?.status, 'skip');
  assert.match(cas?.summary ?? '', /TLS 1\.3 only.*cannot be read/);
});

test('a server that does not ask for a client certificate is a warning; nothing listening is a failure', async () => {
  const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, tls: '1.2', clientAuth: 'none' });
  const { code, doc } = await doctor([server.url, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(code, 0);
  assert.equal(byId(doc, 'remote.client-cert-request')?.code, 'MTLS_CLIENT_CERT_NOT_REQUESTED');
  await server.stop();
  const refused = await doctor([server.url, '--cacert', pki.rootCa]);
  assert.equal(refused.code, 1);
  assert.equal(byId(refused.doc, 'remote.tcp')?.code, 'MTLS_CONNECTION_REFUSED');
  assert.equal(byId(refused.doc, 'remote.request')?.status, 'skip');
});

test('--config checks every target of the config file, each under its own name', async () => {
  const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' });
  const origin = `https://127.0.0.1:${nginx.port}`;
  const config = join(pki.dir, 'doctor.config.json');
  writeFileSync(config, JSON.stringify({ mtls: { ca: pki.rootCa }, targets: { [origin]: { cert: pki.goodClient.cert, key: pki.goodClient.key }, '*.internal': {} } }));
  const { code, doc } = await doctor(['--config', config]);
  assert.equal(code, 0, JSON.stringify(doc.checks.filter((c) => c.status === 'fail')));
  const targets = new Set(doc.checks.map((c) => (c as { target?: string }).target));
  assert.deepEqual([...targets], [origin, '*.internal']);
  assert.equal(doc.checks.find((c) => c.id === 'remote.request')?.status, 'pass');
  assert.equal(doc.checks.find((c) => c.id === 'config-target')?.status, 'skip');
});

/** `mtls doctor URL` against real servers: what the server asks of a client, and the request with the certificate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
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

// A second CA with the very same name as the root (as `ca init` twice on one machine makes), and a client of it.
const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: pki.dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
openssl(['req', '-x509', ...EC, '-keyout', 'same-name.key', '-out', 'same-name.crt', '-subj', '/O=mtls tests/CN=mtls test root CA', '-days', '36500', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
openssl(['req', ...EC, '-keyout', 'same-name-client.key', '-out', 'same-name-client.csr', '-subj', '/O=mtls tests/CN=client of the look-alike CA']);
writeFileSync(join(pki.dir, 'same-name-client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
openssl(['x509', '-req', '-in', 'same-name-client.csr', '-CA', 'same-name.crt', '-CAkey', 'same-name.key', '-CAcreateserial', '-days', '36500', '-extfile', 'same-name-client.ext', '-out', 'same-name-client.crt']);
const sameNameClient = { cert: join(pki.dir, 'same-name-client.crt'), key: join(pki.dir, 'same-name-client.key') };
// --cacert holding both roots: the client's issuer is then known to be a root (no intermediate to send).
const bothRoots = join(pki.dir, 'both-roots.crt');
writeFileSync(bothRoots, readFileSync(pki.rootCa, 'utf8') + readFileSync(pki.otherCa, 'utf8'));

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

  // A password in the URL is never shown: JSON target, JUnit, human heading, annotations, "GET <url>".
  const secretUrl = nginx.url.replace('https://', 'https://u:PWLEAK@');
  const junit = join(pki.dir, 'secret-url.xml');
  const ci = ['--cacert', pki.rootCa, '--ci', '--junit', junit];
  const env = { GITHUB_ACTIONS: 'true' };
  // With the certificate: "GET <url> → HTTP 200" in JSON; without: a failure, so a GitHub annotation naming the target.
  const withCertificate = await runCli(['doctor', secretUrl, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, ...ci, '--json'], { env });
  assert.match(withCertificate.stdout, /GET https:\/\/u:\*\*\*@/);
  const withoutCertificate = await runCli(['doctor', secretUrl, ...ci], { env });
  assert.match(withoutCertificate.stdout, /^::error .*u:\*\*\*@/m);
  for (const result of [withCertificate, withoutCertificate]) assert.doesNotMatch(result.stdout + result.stderr + readFileSync(junit, 'utf8'), /PWLEAK/);
});

test('a TLS 1.3-only server: the accepted CAs cannot be read, and the report says why', async () => {
  const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, tls: '1.3', clientAuth: 'require', clientCa: pki.rootCa });
  const { code, doc } = await doctor([server.url, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
  assert.equal(code, 0, JSON.stringify(doc.checks.filter((c) => c.status === 'fail')));
  const cas = byId(doc, 'remote.client-cas');
  assert.equal(cas?.status, 'skip');
  assert.match(cas?.summary ?? '', /TLS 1\.3 only.*cannot be read/);

  // A client of a root the server does not trust: the fixes must work against this server and this chain.
  const refused = await runCli(['request', server.url, '--cert', pki.otherCaClient.cert, '--key', pki.otherCaClient.key, '--cacert', bothRoots, '--json']);
  const diagnosis = JSON.parse(refused.stdout).diagnosis as { code: string; fixes: string[] };
  assert.equal(diagnosis.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA', refused.stderr);
  assert.match(diagnosis.fixes[0] ?? '', /TLS 1\.3 only/);
  assert.ok(!diagnosis.fixes.some((f) => /-v|when the server speaks TLS 1\.2|intermediate/.test(f)), diagnosis.fixes.join('\n'));
  const fixFirst = await runCli(['doctor', server.url, '--cert', pki.otherCaClient.cert, '--key', pki.otherCaClient.key, '--cacert', bothRoots, '--ci']);
  assert.match(fixFirst.stdout, /Fix first: .*TLS 1\.3 only/);
});

test('a client of a different CA with the same name: the name match is a warning, and the refusal keeps the unknown CA in view', async () => {
  const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, tls: '1.2', clientAuth: 'require', clientCa: pki.rootCa });
  const { code, doc } = await doctor([server.url, '--cert', sameNameClient.cert, '--key', sameNameClient.key, '--cacert', pki.rootCa]);
  assert.equal(code, 1);
  const cas = byId(doc, 'remote.client-cas');
  assert.equal(cas?.status, 'warn', cas?.summary);
  assert.match(cas?.summary ?? '', /refused it as from an unknown CA: names are not keys, so the CA was probably re-created.*only names can be compared/);
  assert.equal(byId(doc, 'remote.request')?.status, 'fail');

  const refused = await runCli(['request', server.url, '--cert', sameNameClient.cert, '--key', sameNameClient.key, '--cacert', pki.rootCa, '--json']);
  const causes = JSON.parse(refused.stdout).diagnosis.causes as { cause: string; likelihood: string; evidence?: string }[];
  const unknownCa = causes.find((c) => /does not trust the CA/.test(c.cause));
  assert.notEqual(unknownCa?.likelihood, 'low', JSON.stringify(causes));
  assert.match(unknownCa?.evidence ?? '', /a different CA with the same name \(re-created CA\?\)/);
});

test('a server that takes TCP and never answers the hello: MTLS_CONNECT_TIMEOUT, not "no common TLS version"', async () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { code, doc } = await doctor([`https://127.0.0.1:${(silent.address() as { port: number }).port}/`, '--timeout', '1']);
    assert.equal(code, 1);
    const versions = byId(doc, 'remote.tls-versions');
    assert.equal(versions?.code, 'MTLS_CONNECT_TIMEOUT', versions?.summary);
    assert.match(versions?.summary ?? '', /accepts TCP but never answers the TLS hello/);
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
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

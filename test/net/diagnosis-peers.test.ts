/**
 * The engine's new diagnoses against real peers on 127.0.0.1 (issue 14): per-path client auth
 * after the request (Apache over TLS 1.3, and the retry over TLS 1.2 renegotiation), a chain
 * deeper than nginx's ssl_verify_depth, optional client auth refused with 403 (case 6), HTTP 421,
 * a TLS-inspecting proxy's certificate, and a certificate sent without its intermediate (case 5).
 * The stack matrix (test/stacks/) covers the refusals of every stack; these are the rest.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { makeDiagnosisPki } from '../helpers/diagnosis-pki.js';
import { startNginx, startOpenSslServer } from '../helpers/peers.js';
import { findBinary, spawnServer, whenListening } from '../helpers/stacks/process.js';
import { freePort, tempDir } from '../helpers/tmp.js';

const pki = await makeDiagnosisPki();
const client = (name: keyof typeof pki.clients) => ['--cert', pki.clients[name].cert, '--key', pki.clients[name].key];

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  diagnosis: { code: string; summary: string; causes: { cause: string }[]; fixes: string[] } | null;
  notice: { code: string; summary: string } | null;
}

async function request(args: string[], options: { env?: Record<string, string> } = {}): Promise<Outcome> {
  const json = await runCli(['request', ...args, '--json'], options);
  assert.doesNotMatch(json.stdout + json.stderr, STACK_TRACE);
  const doc = JSON.parse(json.stdout) as { diagnosis: Outcome['diagnosis']; notice?: Outcome['notice'] };
  const text = await runCli(['request', ...args], options);
  return { code: json.code, stdout: text.stdout, stderr: text.stderr, diagnosis: doc.diagnosis, notice: doc.notice ?? null };
}

/** Apache with client certificates required for /secure only (per-location: renegotiation in TLS 1.2, post-handshake auth in 1.3). */
async function startPerPathApache(protocols: string): Promise<string> {
  const root = tempDir('mtls-apache-pha-');
  chmodSync(root, 0o755);
  const htdocs = join(root, 'htdocs');
  mkdirSync(join(htdocs, 'secure'), { recursive: true });
  mkdirSync(join(root, 'run'));
  writeFileSync(join(htdocs, 'index.html'), 'public\n', { mode: 0o644 });
  writeFileSync(join(htdocs, 'secure', 'index.html'), 'secret\n', { mode: 0o644 });
  const port = await freePort();
  const modules = '/usr/lib/apache2/modules';
  const errorLog = join(root, 'error.log');
  const conf = `ServerRoot ${root}
ServerName 127.0.0.1
DefaultRuntimeDir ${join(root, 'run')}
PidFile ${join(root, 'httpd.pid')}
Mutex file:${join(root, 'run')} default
ErrorLog ${errorLog}
LogLevel info ssl:info
${process.getuid?.() === 0 ? 'User www-data\nGroup www-data' : ''}
LoadModule mpm_event_module ${modules}/mod_mpm_event.so
LoadModule authz_core_module ${modules}/mod_authz_core.so
LoadModule dir_module ${modules}/mod_dir.so
LoadModule socache_shmcb_module ${modules}/mod_socache_shmcb.so
LoadModule ssl_module ${modules}/mod_ssl.so
DocumentRoot ${htdocs}
DirectoryIndex index.html
SSLSessionCache none
SSLRandomSeed startup builtin
Listen 127.0.0.1:${port}
<VirtualHost 127.0.0.1:${port}>
  SSLEngine on
  SSLProtocol ${protocols}
  SSLCertificateFile ${pki.server.cert}
  SSLCertificateKeyFile ${pki.server.key}
  SSLCACertificateFile ${pki.ecRoot}
  SSLVerifyClient none
  <Location /secure>
    SSLVerifyClient require
    SSLVerifyDepth 4
    Require all granted
  </Location>
</VirtualHost>
`;
  const confPath = join(root, 'httpd.conf');
  writeFileSync(confPath, conf);
  const binary = findBinary('/usr/sbin/apache2', 'apache2', 'httpd') ?? 'apache2';
  const server = spawnServer(binary, ['-X', '-f', confPath, '-d', root], { logFiles: [errorLog], env: { ...process.env, APACHE_RUN_DIR: join(root, 'run'), APACHE_LOG_DIR: root, APACHE_LOCK_DIR: join(root, 'run') } });
  const running = await whenListening('apache', [server], { secure: port });
  return running.urls.secure as string;
}

const apacheMissing = findBinary('/usr/sbin/apache2', 'apache2', 'httpd') ? false : 'Apache httpd is not installed';

describe('client certificates asked for per path, after the request', { concurrency: true, skip: apacheMissing }, () => {
  it('Apache over TLS 1.3 (no post-handshake auth in Node): retried over TLS 1.2, where Apache renegotiates; the reason is said', async () => {
    const base = await startPerPathApache('-all +TLSv1.2 +TLSv1.3');
    const result = await request([`${base}secure/`, '--cacert', pki.ecRoot, ...client('good')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /secret/);
    assert.equal(result.notice?.code, 'MTLS_CLIENT_CERT_POST_HANDSHAKE');
    assert.match(result.stderr, /MTLS_CLIENT_CERT_POST_HANDSHAKE[\s\S]*Retried over TLS 1\.2 \(renegotiation\): it worked/);
  });

  it('TLS 1.3 only: MTLS_CLIENT_CERT_POST_HANDSHAKE, exit 1, with the clients that can do it', async () => {
    const base = await startPerPathApache('-all +TLSv1.3');
    const result = await request([`${base}secure/`, '--cacert', pki.ecRoot, ...client('good')]);
    assert.equal(result.code, 1);
    assert.equal(result.diagnosis?.code, 'MTLS_CLIENT_CERT_POST_HANDSHAKE', result.stderr);
    assert.match(result.diagnosis?.summary ?? '', /after the request.*failed too/);
    assert.match(result.stderr, /curl/);
  });
});

describe('nginx and HTTP-level refusals', { concurrency: true }, () => {
  it('a chain deeper than ssl_verify_depth 1 (leaf + two intermediates) → MTLS_CLIENT_CHAIN_TOO_DEEP', async () => {
    const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, serverConf: `ssl_client_certificate ${pki.ecRoot}; ssl_verify_client on; ssl_verify_depth 1;` });
    const result = await request([nginx.url, '--cacert', pki.ecRoot, ...client('deepChain')]);
    assert.equal(result.diagnosis?.code, 'MTLS_CLIENT_CHAIN_TOO_DEEP', result.stderr);
    assert.match(result.diagnosis?.fixes[0] ?? '', /ssl_verify_depth/);
    // The same certificate within the depth (default 4 in the helper) is accepted: the depth was the cause.
    const deep = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ecRoot });
    assert.equal((await request([deep.url, '--cacert', pki.ecRoot, ...client('deepChain')])).code, 0);
  });

  it('optional client auth refused with 403, no certificate sent (case 6): exit 1 with MTLS_CLIENT_CERT_REQUIRED; the page still on stdout, not with --fail', async () => {
    const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.ecRoot, verifyClient: 'optional', serverConf: 'if ($ssl_client_verify != SUCCESS) { return 403; }' });
    const result = await request([nginx.url, '--cacert', pki.ecRoot]);
    assert.equal(result.code, 1);
    assert.equal(result.diagnosis?.code, 'MTLS_CLIENT_CERT_REQUIRED');
    assert.match(result.diagnosis?.fixes[0] ?? '', /--cert/);
    assert.match(result.stdout, /403 Forbidden/);
    assert.match(result.stderr, /MTLS_CLIENT_CERT_REQUIRED/);
    const failing = await runCli(['request', nginx.url, '--cacert', pki.ecRoot, '--fail']);
    assert.equal(failing.code, 1);
    assert.equal(failing.stdout, '');
    assert.match(failing.stderr, /MTLS_CLIENT_CERT_REQUIRED/);
    assert.doesNotMatch(failing.stderr, /MTLS_HTTP_ERROR_STATUS/);
  });

  it('HTTP 421 Misdirected Request → MTLS_MISDIRECTED_REQUEST', async () => {
    const server = createServer({ cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key) }, (_req, res) => {
      res.writeHead(421, { 'content-type': 'text/html' }).end('<title>421 Misdirected Request</title>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => server.close());
    const port = (server.address() as { port: number }).port;
    const result = await request([`https://127.0.0.1:${port}/`, '--cacert', pki.ecRoot]);
    assert.equal(result.diagnosis?.code, 'MTLS_MISDIRECTED_REQUEST');
  });
});

describe('the certificate in hand, end to end', { concurrency: true }, () => {
  it('a leaf sent without its intermediate to openssl s_server (unknown_ca): first cause and fix "send the intermediate", with the real file names (case 5)', async () => {
    const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientAuth: 'require', clientCa: pki.ecRoot, tls: '1.2' });
    const result = await request([server.url, '--cacert', pki.ecRoot, ...client('leafWithoutIntermediate')]);
    assert.equal(result.diagnosis?.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA');
    assert.match(result.diagnosis?.causes[0]?.cause ?? '', /without the intermediate/);
    const cert = pki.clients.leafWithoutIntermediate.cert;
    assert.ok(result.diagnosis?.fixes[0]?.includes(`cat ${cert} ${join(pki.dir, 'intermediate.crt')} > ${cert.replace(/\.crt$/, '-chain.crt')}`), result.diagnosis?.fixes[0]);
  });

  it('leaf + intermediate refused for its dates while the server lists the root: no "re-created CA" (case 2), in request and doctor', async () => {
    const server = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientAuth: 'require', clientCa: pki.ecRoot, tls: '1.2' });
    const result = await request([server.url, '--cacert', pki.ecRoot, ...client('leafWithIntermediate')]);
    assert.equal(result.code, 0, result.stderr);
    const doctor = await runCli(['doctor', server.url, '--cacert', pki.ecRoot, ...client('leafWithIntermediate'), '--json']);
    const cas = (JSON.parse(doctor.stdout) as { checks: { id: string; status: string; summary: string }[] }).checks.find((c) => c.id === 'remote.client-cas');
    assert.equal(cas?.status, 'pass', cas?.summary);
    assert.doesNotMatch(doctor.stdout, /re-created/);
  });

  it('a server certificate from an inspection product\'s CA: MTLS_TLS_INSPECTION instead of blaming the client certificate', async () => {
    const server = await startOpenSslServer({ cert: pki.inspection.server.cert, key: pki.inspection.server.key, clientAuth: 'require', clientCa: pki.inspection.ca, tls: '1.2' });
    const refused = await request([server.url, '--cacert', pki.inspection.ca, ...client('good')]);
    assert.equal(refused.diagnosis?.code, 'MTLS_TLS_INSPECTION', refused.stderr);
    assert.match(refused.diagnosis?.summary ?? '', /Zscaler/);
    // Without --cacert, the proxy's CA added to this machine (NODE_EXTRA_CA_CERTS): -v warns.
    const open = await startOpenSslServer({ cert: pki.inspection.server.cert, key: pki.inspection.server.key, tls: '1.2' });
    const warned = await request([open.url, '-v'], { env: { NODE_EXTRA_CA_CERTS: pki.inspection.ca } });
    assert.equal(warned.code, 0, warned.stderr);
    assert.equal(warned.notice?.code, 'MTLS_TLS_INSPECTION');
  });
});

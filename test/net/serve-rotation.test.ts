import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { generateKey } from '../../src/core/pki/keys.js';
import { issueLeaf } from '../../src/core/pki/leaf.js';
import { parseSan } from '../../src/core/pki/san.js';
import { ProjectedVolume } from '../helpers/projected-volume.js';
import { tempDir } from '../helpers/tmp.js';
import { servedFingerprint, spawnServe } from './serve-helpers.js';

interface Event {
  event: string;
  serverCertificate?: { fingerprintSha256: string };
  diagnosis?: { code: string };
}

function events(stdout: string): Event[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);
}

/** As deploy tools do: write the new file beside the old one, then rename it over. */
function replace(target: string, source: string): void {
  const staging = `${target}.new`;
  copyFileSync(source, staging);
  renameSync(staging, target);
}

test('--watch: certificate and key renamed over the old ones are served to new connections on the same port; a broken replacement is refused and the previous certificate keeps serving', async () => {
  const now = new Date();
  const pki = await createDemoPki(tempDir('mtls-serve-rotation-'), now);
  await issueLeaf({ dir: pki.dir, name: 'localhost-next', profile: 'server', key: await generateKey('ec-p256'), sans: [parseSan('127.0.0.1')], validity: { days: 1 }, force: false, now });
  const next = { cert: join(pki.dir, 'localhost-next.crt'), key: join(pki.dir, 'localhost-next.key') };
  const fingerprint = (path: string) => new X509Certificate(readFileSync(path)).fingerprint256;
  const before = fingerprint(pki.server.cert);
  const after = fingerprint(next.cert);

  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--watch', '--json']);
  assert.equal(await servedFingerprint(server.port, pki.client, pki.ca), before);

  replace(pki.server.cert, next.cert);
  replace(pki.server.key, next.key);
  await server.waitFor(() => events(server.stdout()).some((e) => e.event === 'reloaded' && e.serverCertificate?.fingerprintSha256 === after), 'a reload with the new certificate');
  assert.equal(await servedFingerprint(server.port, pki.client, pki.ca), after, 'new connections see the new certificate, same port, no restart');

  // A certificate whose key is not the one on disk: refused, the running credentials stay.
  replace(pki.server.cert, pki.client.cert);
  await server.waitFor(() => events(server.stdout()).some((e) => e.event === 'reload-refused' && e.diagnosis?.code === 'MTLS_KEY_CERT_MISMATCH'), 'the broken replacement being refused');
  assert.equal(await servedFingerprint(server.port, pki.client, pki.ca), after);

  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

/** Two CRLs of the demo CA, made with `openssl ca`: one that revokes nothing, one that revokes `cert`. */
function crls(dir: string, cert: string): { empty: string; revoking: string } {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crl.cnf'), `[ca]\ndefault_ca = demo\n[demo]\ndatabase = ${dir}/index.txt\ndefault_md = sha256\ndefault_crl_days = 1\n`);
  const openssl = (args: string[]) => execFileSync('openssl', ['ca', '-config', join(dir, 'crl.cnf'), '-keyfile', join(dir, 'ca.key'), '-cert', join(dir, 'ca.crt'), ...args], { stdio: 'pipe' });
  openssl(['-gencrl', '-out', join(dir, 'crl-empty.pem')]);
  openssl(['-revoke', cert]);
  openssl(['-gencrl', '-out', join(dir, 'crl-revoking.pem')]);
  return { empty: join(dir, 'crl-empty.pem'), revoking: join(dir, 'crl-revoking.pem') };
}

/** The HTTP status a new connection with `client` gets: 200 when accepted, 495 when its certificate is refused. */
function statusFor(port: number, client: { cert: string; key: string }, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: '127.0.0.1', port, path: '/', cert: readFileSync(client.cert), key: readFileSync(client.key), ca: readFileSync(ca), agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('error', reject);
    request.end();
  });
}

/** Polls until `check` holds (a generous deadline, never a fixed sleep). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(50);
  }
}

test('--watch follows a Kubernetes-style `..data` swap: a new server certificate and a CRL that revokes the client are applied', async () => {
  const now = new Date();
  const pki = await createDemoPki(tempDir('mtls-serve-projected-'), now);
  await issueLeaf({ dir: pki.dir, name: 'localhost-next', profile: 'server', key: await generateKey('ec-p256'), sans: [parseSan('127.0.0.1')], validity: { days: 1 }, force: false, now });
  const next = { cert: join(pki.dir, 'localhost-next.crt'), key: join(pki.dir, 'localhost-next.key') };
  const crl = crls(pki.dir, pki.client.cert);
  const generation = (server: { cert: string; key: string }, crlFile: string) => ({ 'tls.crt': server.cert, 'tls.key': server.key, 'ca.crt': pki.ca, 'crl.pem': crlFile });
  const volume = new ProjectedVolume(join(pki.dir, 'secret'), generation(pki.server, crl.empty));
  const fingerprint = (path: string) => new X509Certificate(readFileSync(path)).fingerprint256;

  const server = await spawnServe(['--cert', volume.path('tls.crt'), '--key', volume.path('tls.key'), '--client-ca', volume.path('ca.crt'), '--crl', volume.path('crl.pem'), '--port', '0', '--watch', '--json']);
  assert.equal(await servedFingerprint(server.port, pki.client, pki.ca), fingerprint(pki.server.cert));
  assert.equal(await statusFor(server.port, pki.client, pki.ca), 200);

  volume.swap(generation(next, crl.empty));
  await eventually(async () => (await servedFingerprint(server.port, pki.client, pki.ca)) === fingerprint(next.cert), 'the swapped-in server certificate being served');

  volume.swap(generation(next, crl.revoking));
  await eventually(async () => (await statusFor(server.port, pki.client, pki.ca)) === 495, 'the swapped-in CRL refusing the revoked client');
  assert.ok(events(server.stdout()).some((e) => e.event === 'reloaded'), 'the reload is reported');

  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

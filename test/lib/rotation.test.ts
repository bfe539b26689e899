import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetch } from 'undici';
import { createMtlsAgent, type MtlsError } from '../../src/index.js';
import { startNginx } from '../helpers/peers.js';
import { ProjectedVolume } from '../helpers/projected-volume.js';
import { tempDir } from '../helpers/tmp.js';
import { CLIENT_EXT, issue, makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
const next = issue(pki.dir, 'rotated-client', 'rotated client', 'root', CLIENT_EXT);

/** Replaces a file as deploy tools do: write beside it, then rename over it. */
function replace(path: string, from: string): void {
  copyFileSync(from, `${path}.new`);
  renameSync(`${path}.new`, path);
}

test('with watch, replaced certificate files change the identity the server sees, on the same agent', async () => {
  const dir = tempDir('mtls-rotation-');
  const cert = join(dir, 'client.crt');
  const key = join(dir, 'client.key');
  copyFileSync(pki.goodClient.cert, cert);
  copyFileSync(pki.goodClient.key, key);
  const events = new EventEmitter();
  const agent = createMtlsAgent({
    cert,
    key,
    ca: pki.rootCa,
    watch: { intervalMs: 50 },
    onReload: (event) => events.emit('reload', event),
    onReloadError: (error, target) => events.emit('reload-error', error, target),
  });
  const seen = async () => (await fetch(nginx.url, { dispatcher: agent })).text();
  assert.match(await seen(), /CN=good client/);

  // A half-done rotation (new certificate, old key) is refused; the old identity stays in use.
  const failed = once(events, 'reload-error');
  replace(cert, next.cert);
  const [error, target] = (await failed) as [MtlsError, string];
  assert.equal(error.code, 'MTLS_KEY_CERT_MISMATCH');
  assert.equal(target, 'defaults');
  assert.match(await seen(), /CN=good client/);

  // The key arrives: the next connection presents the new certificate.
  const reloaded = once(events, 'reload');
  replace(key, next.key);
  const [event] = (await reloaded) as [{ target: string; files: string[] }];
  assert.deepEqual(event.files.sort(), [cert, key, pki.rootCa].sort());
  assert.match(await seen(), /CN=rotated client/);

  // A broken file keeps the working credentials.
  const broken = once(events, 'reload-error');
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nnot base64\n');
  const [brokenError] = (await broken) as [MtlsError];
  assert.match(brokenError.code, /^MTLS_/);
  assert.match(await seen(), /CN=rotated client/);
  await agent.close();
});

test('with watch, a Kubernetes-style `..data` swap of certificate and key changes the identity on the same agent', async () => {
  const volume = new ProjectedVolume(join(tempDir('mtls-rotation-projected-'), 'secret'), { 'tls.crt': pki.goodClient.cert, 'tls.key': pki.goodClient.key, 'ca.crt': pki.rootCa });
  const events = new EventEmitter();
  const agent = createMtlsAgent({
    cert: volume.path('tls.crt'),
    key: volume.path('tls.key'),
    ca: volume.path('ca.crt'),
    watch: { intervalMs: 50 },
    onReload: (event) => events.emit('reload', event),
    onReloadError: (error) => events.emit('reload-error', error),
  });
  const seen = async () => (await fetch(nginx.url, { dispatcher: agent })).text();
  assert.match(await seen(), /CN=good client/);
  const reloaded = once(events, 'reload');
  volume.swap({ 'tls.crt': next.cert, 'tls.key': next.key, 'ca.crt': pki.rootCa });
  await reloaded;
  assert.match(await seen(), /CN=rotated client/);
  await agent.close();
});

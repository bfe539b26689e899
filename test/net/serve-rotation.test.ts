import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { generateKey } from '../../src/core/pki/keys.js';
import { issueLeaf } from '../../src/core/pki/leaf.js';
import { parseSan } from '../../src/core/pki/san.js';
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

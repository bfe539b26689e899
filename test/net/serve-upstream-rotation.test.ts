import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { generateKey } from '../../src/core/pki/keys.js';
import { issueLeaf } from '../../src/core/pki/leaf.js';
import { parseSan } from '../../src/core/pki/san.js';
import { ProjectedVolume } from '../helpers/projected-volume.js';
import { startUpstreamApp } from '../helpers/upstream-app.js';
import { tempDir } from '../helpers/tmp.js';
import { servedFingerprint, spawnServe } from './serve-helpers.js';
import { openEvents, openWebSocket, until } from './serve-upstream-clients.js';

interface Event {
  event: string;
  trigger?: string;
  serverCertificate?: { fingerprintSha256: string };
}

function events(stdout: string): Event[] {
  return stdout.trim().split('\n').map((line) => JSON.parse(line) as Event);
}

test('serve --upstream --watch: a Kubernetes `..data` swap (and SIGHUP) give new connections the new certificate while an open SSE stream and WebSocket carry on', async () => {
  const now = new Date();
  const pki = await createDemoPki(tempDir('mtls-upstream-rotation-'), now);
  await issueLeaf({ dir: pki.dir, name: 'localhost-next', profile: 'server', key: await generateKey('ec-p256'), sans: [parseSan('127.0.0.1')], validity: { days: 1 }, force: false, now });
  const next = { cert: join(pki.dir, 'localhost-next.crt'), key: join(pki.dir, 'localhost-next.key') };
  const fingerprint = (path: string) => new X509Certificate(readFileSync(path)).fingerprint256;
  const [first, second] = [fingerprint(pki.server.cert), fingerprint(next.cert)];
  const generation = (server: { cert: string; key: string }) => ({ 'tls.crt': server.cert, 'tls.key': server.key, 'ca.crt': pki.ca });
  const volume = new ProjectedVolume(join(pki.dir, 'secret'), generation(pki.server));

  const app = await startUpstreamApp();
  const server = await spawnServe(['--cert', volume.path('tls.crt'), '--key', volume.path('tls.key'), '--client-ca', volume.path('ca.crt'), '--port', '0', '--watch', '--json', '--upstream', app.origin]);
  const stream = await openEvents(server.port, pki.client, pki.ca);
  await stream.waitFor(/: open/, 'the stream opening');
  const ws = await openWebSocket(server.port, pki.client, pki.ca);
  assert.equal(ws.fingerprint, first);
  assert.equal(await ws.echo('before'), 'echo: before');

  volume.swap(generation(next));
  await server.waitFor(() => events(server.stdout()).some((e) => e.event === 'reloaded' && e.serverCertificate?.fingerprintSha256 === second), 'the reload after the ..data swap', 20_000);
  await until(async () => (await servedFingerprint(server.port, pki.client, pki.ca)) === second, 'new connections getting the new certificate');

  // The streams opened under the old certificate are the same connections, still working.
  app.send('after-swap');
  await stream.waitFor(/data: after-swap/, 'an event on the stream opened before the swap');
  assert.equal(await ws.echo('after'), 'echo: after');

  // SIGHUP reloads too (back to the first pair, swapped in the same way).
  volume.swap(generation(pki.server));
  server.signal('SIGHUP');
  await server.waitFor(() => events(server.stdout()).some((e) => e.event === 'reloaded' && e.trigger === 'SIGHUP'), 'the SIGHUP reload', 20_000);
  await until(async () => (await servedFingerprint(server.port, pki.client, pki.ca)) === first, 'the first certificate served again');
  app.send('after-sighup');
  await stream.waitFor(/data: after-sighup/, 'the stream still open after the second reload');
  assert.equal(await ws.echo('still'), 'echo: still');

  // Stopping with both still open: they get the grace period, then are cut (a piped WebSocket too), and the exit is 0.
  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
  stream.close();
  ws.close();
});

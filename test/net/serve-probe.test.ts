import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe } from './serve-helpers.js';

test("mtls serve logs mtls request -v's TLS 1.2 probe as one quiet probe line with the client's address, never as a failed handshake from ?", async () => {
  const pki = await createDemoPki(tempDir('mtls-serve-probe-'), new Date());
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0']);
  const result = await runCli(['request', server.url, '-v', '--cert', pki.client.cert, '--key', pki.client.key, '--cacert', pki.ca]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /client cert requested\s+yes/);
  await server.waitFor(() => /probe from 127\.0\.0\.1:\d+: read the server's hello and hung up before sending a certificate/.test(server.stderr()), 'the probe line');
  await server.waitFor(() => / 200 GET \/ from 127\.0\.0\.1/.test(server.stderr()), 'the request line');
  assert.doesNotMatch(server.stderr(), /handshake failed/);
  assert.doesNotMatch(server.stderr(), /\?:/);
  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runCli, ROOT } from '../helpers/cli.js';

const credentials = join(ROOT, 'fixtures/credentials');

/** A port held by another listener: serve and bridge must name that port in their fix, not a placeholder. */
test('a taken port: serve and bridge print `ss -ltnp | grep :<that port>`, a command that runs as printed', async (t) => {
  const holder = createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  t.after(() => holder.close());
  const port = (holder.address() as AddressInfo).port;

  const serve = await runCli(['serve', '--cert', join(credentials, 'server-fullchain.pem'), '--key', join(credentials, 'server-key-pkcs8.pem'), '--client-ca', join(credentials, 'root-ca.pem'), '--port', String(port)]);
  assert.equal(serve.code, 2, serve.stderr);
  assert.match(serve.stderr, /MTLS_SERVE_LISTEN_FAILED/);
  assert.ok(serve.stderr.includes(`ss -ltnp | grep :${port}`), serve.stderr);
  assert.ok(!serve.stderr.includes(':PORT'), serve.stderr);

  const bridge = await runCli(['bridge', '--to', 'https://127.0.0.1:9/', '--listen', `127.0.0.1:${port}`, '--no-token', '--cert', join(credentials, 'client.pem'), '--key', join(credentials, 'client-key-pkcs8.pem')]);
  assert.equal(bridge.code, 2, bridge.stderr);
  assert.match(bridge.stderr, /MTLS_BRIDGE_LISTEN_FAILED/);
  assert.ok(bridge.stderr.includes(`ss -ltnp | grep :${port}`), bridge.stderr);
  assert.ok(!bridge.stderr.includes(':PORT'), bridge.stderr);
});

import { makeRequestPki } from '/work/main/test/net/request-pki.ts';
import { startOpenSslServer, startNginx } from '/work/main/test/helpers/peers.ts';
import { probeServer } from '/work/main/src/tls/probe/index.ts';
import { test } from 'node:test';
test('x', async () => {
const pki = makeRequestPki();
for (const tls of ['1.2', '1.3'] as const) {
  const s = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, clientAuth: 'require', tls });
  const r = await probeServer({ host: '127.0.0.1', port: s.port });
  console.log(tls, { ...r, serverChain: r.serverChain.length });
}
const n = await startNginx({ cert: pki.serverViaIntermediate.chain, key: pki.serverViaIntermediate.key, clientCa: pki.rootCa });
const r = await probeServer({ host: '127.0.0.1', port: n.port });
console.log('nginx', { ...r, serverChain: r.serverChain.length });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { generateKey } from '../../src/core/pki/keys.js';
import { issueLeaf } from '../../src/core/pki/leaf.js';
import { loadCredentials } from '../../src/core/load/identity.js';
import { performRequest } from '../../src/tls/request.js';
import { startServe, type ServeEvent } from '../../src/tls/serve/index.js';
import { tempDir } from '../helpers/tmp.js';

/** A CRL from the demo CA revoking `cert`, made with `openssl ca` (a minimal CA database). */
function revoke(dir: string, cert: string): string {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(
    join(dir, 'crl.cnf'),
    `[ca]\ndefault_ca = demo\n[demo]\ndatabase = ${dir}/index.txt\ndefault_md = sha256\ndefault_crl_days = 1\n`,
  );
  const openssl = (args: string[]) => execFileSync('openssl', ['ca', '-config', join(dir, 'crl.cnf'), '-keyfile', join(dir, 'ca.key'), '-cert', join(dir, 'ca.crt'), ...args], { stdio: 'pipe' });
  openssl(['-revoke', cert]);
  openssl(['-gencrl', '-out', join(dir, 'crl.pem')]);
  return join(dir, 'crl.pem');
}

test('the serve core refuses a server certificate used as a client certificate and a revoked one (--crl), and mtls request names the same reason', async () => {
  const pki = await createDemoPki(tempDir('mtls-serve-refusals-'), new Date());
  await issueLeaf({ dir: pki.dir, name: 'carol', profile: 'client', key: await generateKey('ec-p256'), sans: [], validity: { days: 1 }, force: false, now: new Date() });
  const revoked = { cert: join(pki.dir, 'carol.crt'), key: join(pki.dir, 'carol.key') };
  const crl = revoke(pki.dir, revoked.cert);
  const log: ServeEvent[] = [];
  const server = await startServe({
    sources: { cert: { value: pki.server.cert, from: '--cert' }, key: { value: pki.server.key, from: '--key' }, clientCa: { value: pki.ca, from: '--client-ca' }, crl, cwd: pki.dir },
    host: '127.0.0.1',
    port: 0,
    clientAuth: 'required',
    watch: false,
    onEvent: (event) => log.push(event),
  });
  try {
    const ca = (await loadCredentials({ ca: { value: pki.ca, from: 'ca' } })).ca?.certificates ?? null;
    const request = async (client: { cert: string; key: string }) => {
      const { identity } = await loadCredentials({ cert: { value: client.cert, from: 'cert' }, key: { value: client.key, from: 'key' } });
      return performRequest({ url: server.url, identity, ca, connectTimeoutMs: 5000, maxTimeMs: 10_000 });
    };
    const refusals = () => log.flatMap((e) => (e.event === 'refused' ? [e] : []));

    const serverAsClient = await request(pki.server);
    assert.equal(serverAsClient.diagnosis?.code, 'MTLS_CLIENT_CERT_WRONG_USAGE');
    assert.equal(refusals()[0]?.code, 'MTLS_CHAIN_WRONG_PURPOSE');
    assert.match(refusals()[0]?.reason ?? '', /"localhost" is not meant for client authentication \(extended key usage: serverAuth; clientAuth is missing\)/);

    const revokedResult = await request(revoked);
    assert.equal(revokedResult.diagnosis?.code, 'MTLS_CLIENT_CERT_REVOKED', 'the server states the reason; request reports it');
    assert.equal(refusals()[1]?.code, 'MTLS_SERVE_CLIENT_REVOKED');
    assert.match(refusals()[1]?.reason ?? '', /"carol" \(serial [0-9A-F]+\) is revoked/);

    const good = await request(pki.client);
    assert.equal(good.response?.status, 200, good.diagnosis?.summary);
  } finally {
    await server.close();
  }
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { startNginx, startOpenSslServer, type Peer } from '../helpers/peers.js';
import { makeRequestPki, type RequestPki } from './request-pki.js';

/**
 * The heart of `mtls request`: three real mTLS servers that judge client certificates in three
 * different ways (TLS 1.3 alert after the handshake, TLS 1.2 alert during it, nginx's HTTP 400
 * page), and the same five clients against each. Every refusal must get the same diagnosis.
 */
const pki: RequestPki = makeRequestPki();
// Started at the top level: the peers' cleanup (after) then belongs to the file, not to a hook.
const started: Record<string, Promise<Peer>> = {
  'openssl s_server -Verify, TLS 1.3': startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, clientAuth: 'require', tls: '1.3' }),
  'openssl s_server -Verify, TLS 1.2 only': startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, clientAuth: 'require', tls: '1.2' }),
  'nginx ssl_verify_client on': startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, verifyClient: 'on' }),
};
const servers: Record<string, Peer> = {};
for (const [name, peer] of Object.entries(started)) servers[name] = await peer;

const cases: { name: string; client: () => { cert: string; key: string } | null; code: string | null }[] = [
  { name: 'a good client certificate succeeds', client: () => pki.goodClient, code: null },
  { name: 'no client certificate', client: () => null, code: 'MTLS_CLIENT_CERT_REQUIRED' },
  { name: 'a certificate from another CA', client: () => pki.otherCaClient, code: 'MTLS_CLIENT_CERT_UNKNOWN_CA' },
  { name: 'an expired certificate', client: () => pki.expiredClient, code: 'MTLS_CLIENT_CERT_EXPIRED' },
  { name: 'a certificate without clientAuth', client: () => pki.serverAuthOnlyClient, code: 'MTLS_CLIENT_CERT_WRONG_USAGE' },
];

describe('mtls request against mTLS servers', { concurrency: true }, () => {
  for (const [serverName, server] of Object.entries(servers)) {
    describe(serverName, () => {
      for (const { name, client, code } of cases) {
        it(`${name}${code ? ` → ${code}, exit 1` : ', exit 0'}`, async () => {
          const identity = client();
          const credentials = identity ? ['--cert', identity.cert, '--key', identity.key] : [];
          const result = await runCli(['request', server.url, '--cacert', pki.rootCa, ...credentials, '--json']);
          assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
          const document = JSON.parse(result.stdout) as { ok: boolean; diagnosis: { code: string } | null; response: { status: number } | null };
          if (code === null) {
            assert.equal(result.code, 0, result.stderr);
            assert.equal(document.ok, true);
            assert.equal(document.response?.status, 200);
          } else {
            assert.equal(result.code, 1, result.stderr);
            assert.equal(document.diagnosis?.code, code, result.stderr);
            assert.match(result.stderr, new RegExp(`error ${code}:`));
          }
        });
      }
    });
  }
});

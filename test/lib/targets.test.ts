import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fetch } from 'undici';
import { createMtlsAgent } from '../../src/index.js';
import { startNginx } from '../helpers/peers.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
// Two servers, each trusting a different client CA.
const trustsRoot = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
const trustsOther = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.otherCa });

async function subjectSeen(url: string, agent: ReturnType<typeof createMtlsAgent>): Promise<string> {
  const response = await fetch(url, { dispatcher: agent });
  return response.text();
}

test('one agent, two targets: each origin gets its own client certificate', async () => {
  const agent = createMtlsAgent({
    ca: pki.rootCa,
    targets: {
      [`https://127.0.0.1:${trustsRoot.port}`]: { cert: pki.goodClient.cert, key: pki.goodClient.key },
      [`127.0.0.1:${trustsOther.port}`]: { cert: pki.otherCaClient.cert, key: pki.otherCaClient.key },
    },
  });
  await agent.ready();
  assert.match(await subjectSeen(trustsRoot.url, agent), /subject=CN=good client,O=mtls tests verify=SUCCESS/);
  assert.match(await subjectSeen(trustsOther.url, agent), /subject=CN=client of another CA,O=mtls tests verify=SUCCESS/);
  // And again, over the pooled connections.
  assert.match(await subjectSeen(trustsRoot.url, agent), /CN=good client/);
  await agent.close();
});

test('an origin without a target uses the defaults, or no certificate when told so', async () => {
  const withDefaults = createMtlsAgent({
    cert: pki.goodClient.cert,
    key: pki.goodClient.key,
    ca: pki.rootCa,
    targets: { [`127.0.0.1:${trustsOther.port}`]: { cert: pki.otherCaClient.cert, key: pki.otherCaClient.key } },
  });
  assert.match(await subjectSeen(trustsRoot.url, withDefaults), /CN=good client/);
  await withDefaults.close();

  const targetsOnly = createMtlsAgent({
    cert: pki.goodClient.cert,
    key: pki.goodClient.key,
    ca: pki.rootCa,
    unmatchedOrigins: 'no-client-certificate',
    targets: { [`127.0.0.1:${trustsOther.port}`]: { cert: pki.otherCaClient.cert, key: pki.otherCaClient.key } },
  });
  const response = await fetch(trustsRoot.url, { dispatcher: targetsOnly });
  // nginx answers a missing certificate with HTTP 400 (its "No required SSL certificate was sent" page).
  assert.equal(response.status, 400);
  await response.text();
  assert.match(await subjectSeen(trustsOther.url, targetsOnly), /CN=client of another CA/);
  await targetsOnly.close();
});

test('options are checked up front, and messages name the field, never its value', () => {
  assert.throws(() => createMtlsAgent({ cert: 42 } as never), { code: 'MTLS_CONFIG_INVALID', message: /cert must be a path/ });
  assert.throws(() => createMtlsAgent({ targets: { 'api.example': { passphrase: 7 } } } as never), { message: /targets\["api.example"\].passphrase must be a string/ });
  assert.throws(() => createMtlsAgent({ key: 'client.key' }), { message: /key was given without cert/ });
  assert.throws(() => createMtlsAgent({ passwd: 'hunter2' } as never), (error: Error) => /passwd is not a known option/.test(error.message) && !error.message.includes('hunter2'));
});

test('a target whose credentials cannot be read is named by its place in the options', async () => {
  const agent = createMtlsAgent({ targets: { 'defaults': { cert: 'missing-client.crt', key: 'missing-client.key' } } });
  await assert.rejects(agent.ready(), { code: 'MTLS_FILE_NOT_FOUND', message: /missing-client\.crt: no such file \(from targets\["defaults"\]\.cert\)/ });
  await agent.close();
});

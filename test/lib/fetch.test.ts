import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { test } from 'node:test';
import { fetch as undiciFetch, request as undiciRequest } from 'undici';
import { createMtlsAgent, createMtlsHttpsAgent, findMtlsError, MtlsError } from '../../src/index.js';
import { startNginx, startOpenSslServer } from '../helpers/peers.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
const nginx = await startNginx({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
const tls13RequiresCert = await startOpenSslServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa, clientAuth: 'require', tls: '1.3' });

/** fetch's TypeError carries our error as its cause; undici's request rejects with it directly. */
function diagnosisCode(error: unknown): string | undefined {
  const e = error as { code?: string; cause?: { code?: string } };
  return e.cause instanceof MtlsError ? e.cause.code : e.code;
}

test('fetch with credentials as paths passes nginx ssl_verify_client on', async () => {
  const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.rootCa });
  const response = await undiciFetch(nginx.url, { dispatcher: agent });
  assert.equal(response.status, 200);
  assert.match(await response.text(), /subject=CN=good client,O=mtls tests verify=SUCCESS/);
  await agent.close();
});

test('Node\'s global fetch takes the agent as its dispatcher, with credentials as PEM text and bytes', async () => {
  const agent = createMtlsAgent({
    cert: readFileSync(pki.goodClient.cert, 'utf8'),
    key: readFileSync(pki.goodClient.key),
    ca: [readFileSync(pki.rootCa, 'utf8')],
  });
  const response = await fetch(nginx.url, { dispatcher: agent } as unknown as RequestInit);
  assert.equal(response.status, 200);
  assert.match(await response.text(), /CN=good client/);
  // agent.fetch: the same, typed as the global fetch, for SDKs that take a `fetch` option.
  assert.match(await (await agent.fetch(nginx.url)).text(), /CN=good client/);
  await agent.close();
});

test('an encrypted key opens with the passphrase, and the wrong one is an MtlsError that never shows it', async () => {
  const good = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.encryptedKey, passphrase: pki.passphrase, ca: pki.rootCa });
  const response = await undiciRequest(nginx.url, { dispatcher: good });
  assert.equal(response.statusCode, 200);
  await response.body.text();
  await good.close();
  const wrong = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.encryptedKey, passphrase: 'not the passphrase', ca: pki.rootCa });
  await assert.rejects(wrong.ready(), (error: unknown) => {
    assert.ok(error instanceof MtlsError);
    assert.equal(error.code, 'MTLS_KEY_WRONG_PASSPHRASE');
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error.toDiagnosis())}`, /not the passphrase/);
    return true;
  });
  await wrong.close();
});

test('without a client certificate, a TLS 1.3 server\'s refusal is MTLS_CLIENT_CERT_REQUIRED, not "other side closed"', async () => {
  const agent = createMtlsAgent({ ca: pki.rootCa });
  await assert.rejects(undiciFetch(tls13RequiresCert.url, { dispatcher: agent }), (error: unknown) => {
    assert.equal(diagnosisCode(error), 'MTLS_CLIENT_CERT_REQUIRED');
    const cause = (error as { cause: MtlsError }).cause;
    assert.equal(cause.title, 'The server requires a client certificate and none was sent');
    assert.ok(cause.fixes.length > 0);
    return true;
  });
  await assert.rejects(undiciRequest(tls13RequiresCert.url, { dispatcher: agent }), (error: unknown) => diagnosisCode(error) === 'MTLS_CLIENT_CERT_REQUIRED');
  await agent.close();
});

test('a client certificate from a CA the server does not trust is MTLS_CLIENT_CERT_UNKNOWN_CA', async () => {
  const agent = createMtlsAgent({ cert: pki.otherCaClient.cert, key: pki.otherCaClient.key, ca: pki.rootCa });
  await assert.rejects(undiciFetch(tls13RequiresCert.url, { dispatcher: agent }), (error: unknown) => diagnosisCode(error) === 'MTLS_CLIENT_CERT_UNKNOWN_CA');
  await agent.close();
});

test('a server that does not chain to the given CA is refused and diagnosed, as mtls request does', async () => {
  const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.otherCa });
  // The leaf comes alone, from an issuer that is not the CA given: the CLI's ranking says a missing intermediate.
  await assert.rejects(undiciFetch(nginx.url, { dispatcher: agent }), (error: unknown) => diagnosisCode(error) === 'MTLS_SERVER_CHAIN_INCOMPLETE');
  // In the library's words: the `ca` option, not the CLI's --cacert.
  await assert.rejects(agent.fetch(nginx.url), (error: unknown) => {
    const diagnosis = findMtlsError(error)!;
    const words = JSON.stringify({ message: diagnosis.message, diagnosis: diagnosis.toDiagnosis() });
    assert.match(words, /the `ca` option/);
    assert.doesNotMatch(words, /--cacert|--cert\b|--pass\b/);
    return true;
  });
  await agent.close();
});

test('createMtlsHttpsAgent: node:https gets the same identity and the same diagnoses', async () => {
  const agent = createMtlsHttpsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.rootCa });
  const body = await new Promise<string>((resolve, reject) => {
    get(nginx.url, { agent }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
    }).on('error', reject);
  });
  assert.match(body, /CN=good client/);
  agent.destroy();

  const without = createMtlsHttpsAgent({ ca: pki.rootCa });
  const error = await new Promise<unknown>((resolve) => {
    get(tls13RequiresCert.url, { agent: without }, (response) => response.resume().on('end', () => resolve(null))).on('error', resolve);
  });
  assert.ok(error instanceof MtlsError, `expected an MtlsError, got ${String(error)}`);
  assert.equal(error.code, 'MTLS_CLIENT_CERT_REQUIRED');
  without.destroy();
});

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createMtlsAgent, createMtlsHttpsAgent, findMtlsError, MtlsError } from '../../src/index.js';
import { ROOT } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();

test('findMtlsError finds the diagnosis behind cause, lastError, errors and flattened text', () => {
  const diagnosis = new MtlsError('MTLS_CLIENT_CERT_REQUIRED', 'api.example:443 requires a client certificate and none was sent.');
  const fetchFailed = new TypeError('fetch failed', { cause: diagnosis });
  assert.equal(findMtlsError(diagnosis), diagnosis);
  assert.equal(findMtlsError(fetchFailed), diagnosis);
  // openai's APIConnectionError: cause; the AI SDK's RetryError: lastError and errors, around an APICallError with a cause.
  assert.equal(findMtlsError(Object.assign(new Error('Connection error.'), { cause: fetchFailed })), diagnosis);
  const apiCall = Object.assign(new Error('Cannot connect to API: fetch failed'), { cause: fetchFailed });
  assert.equal(findMtlsError(Object.assign(new Error('Failed after 2 attempts'), { lastError: apiCall, errors: [apiCall] })), diagnosis);
  assert.equal(findMtlsError(new AggregateError([new Error('other'), fetchFailed])), diagnosis);
  assert.equal(findMtlsError(new Error('unrelated')), null);
  assert.equal(findMtlsError(undefined), null);
  const loop: { cause?: unknown } = {};
  loop.cause = loop;
  assert.equal(findMtlsError(loop), null);
});

test('findMtlsError recovers a diagnosis that an SDK kept only as text (MCP\'s SSE transport)', async () => {
  const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: join(tempDir(), 'absent.key') });
  const error = await agent.fetch(`https://127.0.0.1:${await freePort()}/`).catch((e: unknown) => e);
  const original = findMtlsError(error);
  assert.equal(original?.code, 'MTLS_FILE_NOT_FOUND');
  const flattened = { name: 'SseError', message: `SSE error: TypeError: fetch failed: ${original!.message}`, code: undefined };
  assert.equal(findMtlsError(flattened), original);
  await agent.close();
});

test('ready() refuses an expired client certificate, naming the target, and the fix is in the options\' words', async () => {
  const agent = createMtlsAgent({ ca: pki.rootCa, targets: { 'api.example': { cert: pki.expiredClient.cert, key: pki.expiredClient.key } } });
  await assert.rejects(agent.ready(), (error: unknown) => {
    assert.ok(error instanceof MtlsError);
    assert.equal(error.code, 'MTLS_CERT_EXPIRED');
    assert.match(error.message, /api\.example \(targets\["api\.example"\]\.cert\) "expired client" expired on/);
    return true;
  });
  await agent.close();
  const fine = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.rootCa });
  await fine.ready();
  await fine.close();
});

test('a rotation that cannot be used warns with the target and the code, not the file\'s path', async () => {
  const dir = tempDir('mtls-warn-');
  const cert = join(dir, 'client.crt');
  copyFileSync(pki.goodClient.cert, cert);
  const agent = createMtlsAgent({ cert, key: pki.goodClient.key, watch: { intervalMs: 50 } });
  await agent.ready();
  // The watch does not keep the process alive (persistent: false): this timer does, until the warning.
  const alive = setInterval(() => undefined, 1000);
  const warned = new Promise<Error>((resolve) => process.once('warning', resolve));
  writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nnot base64\n');
  const warning = await warned;
  clearInterval(alive);
  assert.equal(warning.name, 'MtlsWarning');
  assert.match(warning.message, /^The changed credentials of the defaults cannot be used \(MTLS_[A-Z_]+: .+\); the previous credentials stay in use/);
  assert.doesNotMatch(warning.message, new RegExp(dir));
  await agent.close();
});

test('agents show no passphrase or key in util.inspect or JSON.stringify', async () => {
  const options = { cert: pki.goodClient.cert, key: pki.encryptedKey, passphrase: pki.passphrase, ca: pki.rootCa };
  const agent = createMtlsAgent(options);
  const https = createMtlsHttpsAgent(options);
  await agent.ready();
  await https.ready();
  const shown = [inspect(agent, { depth: 8, showHidden: true }), inspect(https, { depth: 8, showHidden: true }), JSON.stringify(agent), JSON.stringify(https)].join('\n');
  assert.doesNotMatch(shown, new RegExp(pki.passphrase));
  assert.doesNotMatch(shown, /PRIVATE KEY/);
  await agent.close();
  https.destroy();
});

test('CommonJS consumers can require the package', () => {
  const app = tempDir('mtls-cjs-');
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(ROOT, join(app, 'node_modules', 'mtls'));
  writeFileSync(join(app, 'app.cjs'), "const { createMtlsAgent, findMtlsError } = require('mtls');\nconst agent = createMtlsAgent({});\nagent.close().then(() => console.log(typeof findMtlsError));\n");
  assert.equal(execFileSync(process.execPath, [join(app, 'app.cjs')], { cwd: app, encoding: 'utf8' }).trim(), 'function');
});

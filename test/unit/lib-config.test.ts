import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createMtlsAgent, loadMtlsConfig, MtlsError } from '../../src/index.js';
import { tempDir } from '../helpers/tmp.js';

function configIn(dir: string, config: unknown): string {
  const path = join(dir, 'mtls.config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

test('loadMtlsConfig reads ./mtls.config.json with its targets and {env:}/{file:} values', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'pass.txt'), 'from a file\n');
  configIn(dir, {
    mtls: { cert: 'client.crt', key: 'client.key', ca: 'ca.crt' },
    targets: { 'https://API.example:443/': { cert: '{env:PARTNER_CERT}', passphrase: '{file:pass.txt}' }, '*.internal.example': { ca: 'internal.crt' } },
  });
  const options = await loadMtlsConfig({ cwd: dir, env: { PARTNER_CERT: 'partner.p12' } });
  const passphrase = options.targets?.['https://api.example']?.passphrase;
  assert.equal(typeof passphrase === 'object' ? passphrase.reveal() : passphrase, 'from a file');
  assert.deepEqual(JSON.parse(JSON.stringify(options)), {
    cwd: dir,
    cert: 'client.crt',
    key: 'client.key',
    ca: 'ca.crt',
    targets: { 'https://api.example': { cert: 'partner.p12', passphrase: '[redacted] (targets["https://api.example"].passphrase)' }, '*.internal.example': { ca: 'internal.crt' } },
  });
});

test('the resolved passphrase and key text stay out of util.inspect, JSON.stringify and String, and still work when spread', async () => {
  const dir = tempDir();
  const keyPem = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
  configIn(dir, { mtls: { cert: 'client.crt', key: '{env:CLIENT_KEY}', passphrase: '{env:KEY_PASS}' } });
  const options = await loadMtlsConfig({ cwd: dir, env: { CLIENT_KEY: keyPem, KEY_PASS: 'hunter2 hunter2' } });
  const shown = [inspect(options, { depth: 10 }), JSON.stringify(options), `${String(options.passphrase)} ${String(options.key)}`, inspect({ ...options, watch: true }, { depth: 10 })].join('\n');
  assert.doesNotMatch(shown, /hunter2|MIGHAgEA/);
  assert.match(shown, /\[redacted\] \(mtls\.passphrase\)/);
  // A spread keeps the secret object, so the agent still gets the passphrase.
  const spread = { ...options, watch: true };
  assert.equal(typeof spread.passphrase === 'object' ? spread.passphrase.reveal() : null, 'hunter2 hunter2');
  const agent = createMtlsAgent({ ...spread, watch: false, cert: undefined, key: undefined, passphrase: spread.passphrase });
  await agent.close();
});

test('environment variables fill the defaults; a target\'s own fields win for that target', async () => {
  const dir = tempDir();
  const file = configIn(dir, {
    mtls: { cert: 'config.crt', key: 'config.key' },
    targets: { 'api.example': { cert: 'target.crt', key: 'target.key', passphrase: 'target secret' }, 'public.example': { clientCertificate: false }, 'other.example': { ca: 'other-ca.crt' } },
  });
  const env = { MTLS_CERT_PATH: 'mtls.crt', APP_CERT: 'app.crt', MTLS_CA_PATH: 'ca.crt', MTLS_KEY_PASSPHRASE: 'env secret', MTLS_KEY_PATH: '' };
  const options = await loadMtlsConfig({ file, cwd: dir, env, envPrefix: 'APP_' });
  assert.equal(options.cert, 'app.crt', 'PREFIX_* over MTLS_* over the file, for the defaults');
  assert.equal(options.key, 'config.key', 'an empty variable counts as unset');
  assert.equal(options.ca, 'ca.crt');
  assert.equal(typeof options.passphrase === 'object' ? options.passphrase.reveal() : options.passphrase, 'env secret');
  const target = options.targets?.['api.example'];
  assert.equal(target?.cert, 'target.crt', 'a stray MTLS_CERT_PATH does not replace a target\'s own certificate');
  assert.equal(typeof target?.passphrase === 'object' ? target.passphrase.reveal() : target?.passphrase, 'target secret', 'nor MTLS_KEY_PASSPHRASE its passphrase');
  assert.deepEqual(options.targets?.['public.example'], { clientCertificate: false }, 'the config file can switch the client certificate off');
  assert.deepEqual(options.targets?.['other.example'], { ca: 'other-ca.crt' }, 'a target without its own identity takes the defaults\' (with the environment in them)');
});

test('without a config file, the environment alone is the configuration', async () => {
  const options = await loadMtlsConfig({ cwd: tempDir(), env: { MTLS_CERT_PATH: 'c.crt', MTLS_KEY_PATH: 'c.key' } });
  assert.equal(options.cert, 'c.crt');
  assert.equal(options.key, 'c.key');
  assert.equal(options.targets, undefined);
});

test('errors name the field and never print a secret', async () => {
  const dir = tempDir();
  const file = configIn(dir, { mtls: { cert: 'a.crt', passphrase: 'correct horse', cretificate: 'x' } });
  await assert.rejects(loadMtlsConfig({ file, cwd: dir, env: {} }), (error: unknown) => {
    assert.ok(error instanceof MtlsError);
    assert.equal(error.code, 'MTLS_CONFIG_INVALID');
    assert.match(error.message, /mtls\.cretificate is not a known setting/);
    assert.doesNotMatch(error.message, /correct horse/);
    return true;
  });
  const unset = configIn(dir, { targets: { 'api.example': { passphrase: '{env:PARTNER_PASS}' } } });
  await assert.rejects(loadMtlsConfig({ file: unset, cwd: dir, env: {} }), { message: /targets\["api.example"\]\.passphrase uses \{env:PARTNER_PASS\}, but PARTNER_PASS is not set/ });
  writeFileSync(file, '{ "mtls": { "passphrase": "correct horse" ');
  await assert.rejects(loadMtlsConfig({ file, cwd: dir, env: {} }), (error: Error) => !error.message.includes('correct horse') && /not valid JSON/.test(error.message));
});

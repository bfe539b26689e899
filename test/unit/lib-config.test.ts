import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadMtlsConfig, MtlsError } from '../../src/index.js';
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
  assert.deepEqual(options, {
    cwd: dir,
    cert: 'client.crt',
    key: 'client.key',
    ca: 'ca.crt',
    targets: { 'https://api.example': { cert: 'partner.p12', passphrase: 'from a file' }, '*.internal.example': { ca: 'internal.crt' } },
  });
});

test('environment variables win over the config file, prefixed ones first, as on the command line', async () => {
  const dir = tempDir();
  const file = configIn(dir, { mtls: { cert: 'config.crt', key: 'config.key' }, targets: { 'api.example': { cert: 'target.crt' } } });
  const env = { MTLS_CERT_PATH: 'mtls.crt', APP_CERT: 'app.crt', MTLS_CA_PATH: 'ca.crt', MTLS_KEY_PASSPHRASE: 'env secret', MTLS_KEY_PATH: '' };
  const options = await loadMtlsConfig({ file, cwd: dir, env, envPrefix: 'APP_' });
  assert.equal(options.cert, 'app.crt');
  assert.equal(options.key, 'config.key', 'an empty variable counts as unset');
  assert.equal(options.ca, 'ca.crt');
  assert.equal(options.passphrase, 'env secret');
  assert.equal(options.targets?.['api.example']?.cert, 'app.crt');
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

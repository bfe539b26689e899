import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveCredentials } from '../../src/config/resolve.js';
import { MtlsError } from '../../src/core/errors.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir();
writeFileSync(join(dir, 'pass.txt'), 'file-secret\n');
const config = join(dir, 'mtls.config.json');
writeFileSync(
  config,
  JSON.stringify({
    mtls: { cert: 'default.crt', key: 'default.key', ca: 'default-ca.crt' },
    targets: {
      'https://api.example.com': { cert: 'api.crt', passphrase: '{file:pass.txt}' },
      'db.example.com:5432': { cert: 'db.crt' },
      '*.internal.example': { ca: 'internal-ca.crt', cert: '{env:INTERNAL_CERT}' },
    },
  }),
);

test('precedence per setting: flag > PREFIX_* > MTLS_* > config target > config defaults', async () => {
  const env = { MTLS_CERT_PATH: 'mtls.crt', MTLS_KEY_PATH: 'mtls.key', APP_CERT: 'app.crt', APP_KEY_PASSPHRASE: 'p' };
  const all = await resolveCredentials({ cert: 'flag.crt', envPrefix: 'APP' }, { env, cwd: dir }, 'https://api.example.com');
  assert.equal(all.cert?.value, 'flag.crt');
  assert.equal(all.key?.value, 'mtls.key');
  assert.equal(all.ca?.from.includes('"mtls"'), true);
  assert.equal(all.passphrase?.origin, 'env:APP_KEY_PASSPHRASE');

  const prefixed = await resolveCredentials({ envPrefix: 'APP' }, { env, cwd: dir });
  assert.equal(prefixed.cert?.value, 'app.crt');
  assert.equal(prefixed.cert?.from, 'env:APP_CERT');

  const plain = await resolveCredentials({}, { env, cwd: dir });
  assert.equal(plain.cert?.from, 'env:MTLS_CERT_PATH');

  // `--env-prefix APP_` is the same prefix; an empty variable counts as unset.
  const underscore = await resolveCredentials({ envPrefix: 'APP_' }, { env: { ...env, MTLS_KEY_PASSPHRASE: '' }, cwd: dir });
  assert.equal(underscore.passphrase?.origin, 'env:APP_KEY_PASSPHRASE');
  const empty = await resolveCredentials({}, { env: { MTLS_KEY_PASSPHRASE: '' }, cwd: dir });
  assert.equal(empty.passphrase, undefined);
});

test('config targets match by origin, host:port, and wildcard; {file:} and {env:} are resolved', async () => {
  const api = await resolveCredentials({}, { env: {}, cwd: dir }, 'https://api.example.com:443/v1/models');
  assert.equal(api.cert?.value, 'api.crt');
  assert.equal(api.key?.value, 'default.key');
  assert.equal(api.passphrase?.value, 'file-secret');
  assert.equal(api.configTarget, 'https://api.example.com');

  const db = await resolveCredentials({}, { env: {}, cwd: dir }, 'db.example.com:5432');
  assert.equal(db.cert?.value, 'db.crt');

  const internal = await resolveCredentials({}, { env: { INTERNAL_CERT: 'from-env.crt' }, cwd: dir }, 'https://svc.a.internal.example');
  assert.equal(internal.cert?.value, 'from-env.crt');
  assert.equal(internal.ca?.value, 'internal-ca.crt');
});

test('config errors name the place: unknown key, wrong type, unset variable (of the target in use), bad JSON', async () => {
  const cases: [unknown, RegExp][] = [
    [{ mtls: { certificate: 'x' } }, /mtls\.certificate.*not a known setting/],
    [{ mtls: { cert: 3 } }, /mtls\.cert.*must be a string/],
    [{ targets: { 'a.example': { cert: '{env:NOT_SET_ANYWHERE}' } } }, /NOT_SET_ANYWHERE is not set/],
    [{ mtls: { certType: 'PFX' } }, /certType.*PEM, DER or P12/],
    [{ extra: true }, /"extra" is not a known key/],
  ];
  for (const [data, message] of cases) {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify(data));
    await assert.rejects(resolveCredentials({ config: path }, { env: {}, cwd: dir }, 'https://a.example'), (error: unknown) => {
      assert.ok(error instanceof MtlsError);
      assert.equal(error.code, 'MTLS_CONFIG_INVALID');
      assert.match(error.message, message);
      return true;
    });
  }
  writeFileSync(join(dir, 'syntax.json'), '{ "mtls": { "cert": "a", } }');
  await assert.rejects(resolveCredentials({ config: join(dir, 'syntax.json') }, { env: {}, cwd: dir }), /not valid JSON \(line 1, column 26\)/);
  // The parser's own message quotes the text around the error; it might be a passphrase.
  writeFileSync(join(dir, 'leaky.json'), '{\n  "mtls": { "passphrase": hunter2secret }\n}\n');
  await assert.rejects(resolveCredentials({ config: join(dir, 'leaky.json') }, { env: {}, cwd: dir }), (error: unknown) => {
    assert.match((error as Error).message, /line 2, column 27/);
    assert.doesNotMatch((error as Error).message, /hunter2/);
    return true;
  });
  await assert.rejects(resolveCredentials({ config: join(dir, 'missing.json') }, { env: {}, cwd: dir }), /no such file/);
});

test('a target with clientCertificate: false takes no certificate from the defaults (flags still give one)', async () => {
  const own = tempDir();
  const file = join(own, 'mtls.config.json');
  writeFileSync(file, JSON.stringify({ mtls: { cert: 'default.crt', key: 'default.key', ca: 'ca.crt' }, targets: { 'public.example': { clientCertificate: false } } }));
  const resolved = await resolveCredentials({ config: file }, { env: {}, cwd: own }, 'https://public.example');
  assert.equal(resolved.cert, undefined);
  assert.equal(resolved.key, undefined);
  assert.equal(resolved.ca?.value, 'ca.crt', 'the CA still applies');
  assert.equal((await resolveCredentials({ config: file, cert: 'flag.crt' }, { env: {}, cwd: own }, 'https://public.example')).cert?.value, 'flag.crt');
  assert.equal((await resolveCredentials({ config: file }, { env: {}, cwd: own }, 'https://other.example')).cert?.value, 'default.crt');
  writeFileSync(file, JSON.stringify({ targets: { 'public.example': { clientCertificate: 'no' } } }));
  await assert.rejects(resolveCredentials({ config: file }, { env: {}, cwd: own }), /targets\["public.example"\]\.clientCertificate must be true or false/);
});

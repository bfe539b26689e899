/**
 * The modes of what mtls writes, whatever the umask of the shell that runs it: folders that will
 * hold keys 0700, keys 0600, response bodies (`request -o`) 0600 when new and never widened when
 * they exist, reports (`doctor --junit`) never world-writable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { startServe } from '../../src/tls/serve/index.js';
import { BIN, ROOT, STACK_TRACE, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** The built CLI started from a shell with this umask, as a user would run it. */
function runWithUmask(umask: string, args: string[], cwd = ROOT): Promise<CliResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTLS_')) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', 'umask "$1" && shift && exec "$@"', 'sh', umask, process.execPath, BIN, ...args], { cwd, env: { ...env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8).padStart(4, '0');
const UMASKS = ['000', '022', '077'];

test('ca init: the CA folder it creates is 0700 and the key 0600 under umask 000, 022 and 077', async () => {
  const dir = tempDir('mtls-modes-ca-');
  for (const umask of UMASKS) {
    const folder = join(dir, `u${umask}`, 'pki');
    const result = await runWithUmask(umask, ['ca', 'init', '--dir', folder]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(modeOf(folder), '0700', `umask ${umask}: the CA folder`);
    assert.equal(modeOf(join(dir, `u${umask}`)), '0700', `umask ${umask}: a parent folder mtls created`);
    assert.equal(modeOf(join(folder, 'ca.key')), '0600', `umask ${umask}: the CA key`);
    assert.equal(modeOf(join(folder, 'ca.crt')), '0644', `umask ${umask}: the CA certificate`);
  }
  // A folder that already exists keeps its mode: mtls only sets the modes of folders it makes.
  const existing = join(dir, 'existing');
  await runWithUmask('022', ['ca', 'init', '--dir', join(existing, 'sub')]);
  chmodSync(existing, 0o750);
  assert.equal((await runWithUmask('000', ['issue', 'client', 'alice', '--dir', join(existing, 'sub')])).code, 0);
  assert.equal(modeOf(existing), '0750');
});

test('request -o: a new file is 0600 under umask 000 and 022; an existing 0600 or 0640 file keeps its mode', async () => {
  const dir = tempDir('mtls-modes-request-');
  const pki = await createDemoPki(join(dir, 'pki'), new Date());
  const server = await startServe({
    sources: { cert: { value: pki.server.cert, from: '--cert' }, key: { value: pki.server.key, from: '--key' }, clientCa: { value: pki.ca, from: '--client-ca' }, cwd: dir },
    host: '127.0.0.1',
    port: 0,
    clientAuth: 'required',
    watch: false,
    onEvent: () => undefined,
  });
  try {
    const request = (umask: string, out: string) => runWithUmask(umask, ['request', server.url, '--cert', pki.client.cert, '--key', pki.client.key, '--cacert', pki.ca, '-o', out]);
    const expectSaved = (result: CliResult, out: string) => {
      assert.equal(result.code, 0, result.stderr);
      assert.doesNotMatch(result.stderr, STACK_TRACE);
      assert.match(readFileSync(out, 'utf8'), /"subject"/, 'the response body is in the file');
    };
    for (const umask of ['000', '022']) {
      const out = join(dir, `new-${umask}.json`);
      expectSaved(await request(umask, out), out);
      assert.equal(modeOf(out), '0600', `umask ${umask}: a new response file`);
      // A folder made for the response holds it privately too.
      const nested = join(dir, `made-${umask}`, 'out.json');
      expectSaved(await request(umask, nested), nested);
      assert.equal(modeOf(join(dir, `made-${umask}`)), '0700', `umask ${umask}: a folder made for the response`);
    }
    for (const mode of [0o600, 0o640]) {
      const out = join(dir, `existing-${mode.toString(8)}.json`);
      writeFileSync(out, 'old');
      chmodSync(out, mode);
      expectSaved(await request('022', out), out);
      assert.equal(modeOf(out), `0${mode.toString(8)}`, 'an existing file keeps its mode (curl keeps it too)');
    }
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no staging file left');
  } finally {
    await server.close();
  }
});

test('doctor --junit: never world-writable under umask 000; an existing 0600 report stays 0600', async () => {
  const dir = tempDir('mtls-modes-junit-');
  const pki = await createDemoPki(join(dir, 'pki'), new Date());
  const doctor = (umask: string, report: string) => runWithUmask(umask, ['doctor', '--cert', pki.client.cert, '--key', pki.client.key, '--cacert', pki.ca, '--ci', '--junit', report]);
  const fresh = join(dir, 'fresh.xml');
  const result = await doctor('000', fresh);
  assert.ok(result.code === 0 || result.code === 1, result.stderr);
  assert.match(readFileSync(fresh, 'utf8'), /<testsuite/);
  assert.equal(modeOf(fresh), '0644');
  const existing = join(dir, 'existing.xml');
  writeFileSync(existing, 'old');
  chmodSync(existing, 0o600);
  await doctor('022', existing);
  assert.match(readFileSync(existing, 'utf8'), /<testsuite/);
  assert.equal(modeOf(existing), '0600');
});

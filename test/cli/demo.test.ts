import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { runCli, ROOT, STACK_TRACE } from '../helpers/cli.js';

const FAILURE_CODES = ['MTLS_CLIENT_CERT_REQUIRED', 'MTLS_CLIENT_CERT_UNKNOWN_CA', 'MTLS_CLIENT_CERT_EXPIRED'];

test('mtls demo: exit 0, the echo, each failure with its diagnosis and the server log, and the temporary folder is gone', async () => {
  const result = await runCli(['demo'], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  for (const code of FAILURE_CODES) assert.match(result.stdout, new RegExp(`error ${code}:`));
  for (const logged of ['MTLS_SERVE_NO_CLIENT_CERT', 'MTLS_SERVE_CLIENT_UNKNOWN_CA', 'MTLS_CERT_EXPIRED']) assert.match(result.stdout, new RegExp(`refused 127\\.0\\.0\\.1: .*\\[${logged}`));
  assert.match(result.stdout, /SPIFFE ID\s+spiffe:\/\/demo\.mtls\.local\/alice/);
  assert.match(result.stdout, /All 4 steps behaved as expected\./);
  // mtls is not on PATH here, so the lines to copy say how to run this very bin (and npm link).
  assert.match(result.stdout, /node \S*bin\/mtls\.js serve --cert pki\/localhost\.crt --key pki\/localhost\.key --client-ca pki\/ca\.crt/);
  assert.match(result.stdout, /npm link/);
  const dir = /\/\S*mtls-demo-\w+/.exec(result.stdout)?.[0];
  assert.ok(dir && !existsSync(dir), `the temporary folder ${dir} is removed`);
});

test('mtls demo --json: one document whose steps all passed', async () => {
  const result = await runCli(['demo', '--json'], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { kind: string; ok: boolean; steps: { id: string; passed: boolean; diagnosis: { code: string } | null }[] };
  assert.equal(report.kind, 'demo');
  assert.equal(report.ok, true);
  assert.deepEqual(report.steps.map((s) => [s.id, s.passed, s.diagnosis?.code ?? null]), [['good', true, null], ['no-certificate', true, FAILURE_CODES[0]], ['other-ca', true, FAILURE_CODES[1]], ['expired', true, FAILURE_CODES[2]]]);
});

test('npm start runs the demo (its script, run as npm would after the prestart build)', async () => {
  const scripts = (JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.equal(scripts.start, 'node bin/mtls.js demo');
  assert.match(scripts.prestart ?? '', /build/);
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { CLIENT_EXT, issue, makeRequestPki } from '../net/request-pki.js';
import { startAppServer } from './matrix/server.js';

/**
 * The SDK × transport × runtime matrix: the same client file (test/lib/matrix/clients.ts) runs
 * under Node and under Bun against an OpenAI-compatible API and MCP servers behind mTLS, with the
 * real SDKs (openai, ai + @ai-sdk/openai, the MCP SDK, axios). Failures must come out with the
 * code `mtls request` gives for the same server and credentials.
 */
const BUN = join(ROOT, 'node_modules/@oven/bun-linux-x64-baseline/bin/bun');
const pki = makeRequestPki();
const rotated = issue(pki.dir, 'rotated-client', 'rotated client', 'root', CLIENT_EXT);
const server = await startAppServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
after(() => server.close());
const workDir = tempDir('mtls-matrix-');
const input = {
  url: server.url,
  workDir,
  rootCa: pki.rootCa,
  good: pki.goodClient,
  rotated,
  otherCa: pki.otherCaClient,
  expired: pki.expiredClient,
  encryptedKey: pki.encryptedKey,
  passphrase: pki.passphrase,
};

function runClients(command: string, args: string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args, join(ROOT, 'test/lib/matrix/clients.ts')], { cwd: ROOT, env: { ...process.env, MATRIX_INPUT: JSON.stringify(input), NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const cells = new Map<string, string>();
      for (const line of stdout.split('\n').filter(Boolean)) {
        const { cell, outcome } = JSON.parse(line) as { cell: string; outcome: string };
        cells.set(cell, outcome);
      }
      if (cells.size === 0) reject(new Error(`${command} printed no cells (exit ${code}): ${stderr.slice(-2000)}`));
      else resolve(cells);
    });
  });
}

/** What `mtls request` says for each failure case against the same server: the table's expected codes. */
async function cliCodes(): Promise<Record<string, string>> {
  const url = `${server.url}/whoami`;
  const cases: Record<string, string[]> = {
    'no certificate': ['--cacert', pki.rootCa],
    'other CA': ['--cert', pki.otherCaClient.cert, '--key', pki.otherCaClient.key, '--cacert', pki.rootCa],
    expired: ['--cert', pki.expiredClient.cert, '--key', pki.expiredClient.key, '--cacert', pki.rootCa],
    'wrong passphrase': ['--cert', pki.goodClient.cert, '--key', pki.encryptedKey, '--pass', 'env:WRONG_PASS', '--cacert', pki.rootCa],
    'missing key': ['--cert', pki.goodClient.cert, '--key', join(workDir, 'missing.key'), '--cacert', pki.rootCa],
  };
  const codes: Record<string, string> = {};
  await Promise.all(Object.entries(cases).map(async ([name, args]) => {
    const result = await runCli(['request', url, '--json', ...args], { env: { WRONG_PASS: 'not the passphrase' } });
    // A failed request prints its diagnosis as JSON; an unusable input is an error on stderr.
    const document = result.stdout ? (JSON.parse(result.stdout) as { diagnosis?: { code: string } }) : null;
    codes[name] = document?.diagnosis?.code ?? /error (MTLS_[A-Z_]+)/.exec(result.stderr)?.[1] ?? `exit ${result.code}: ${result.stderr.slice(0, 200)}`;
  }));
  return codes;
}

const runtimes: [string, string, string[]][] = [['node', process.execPath, ['--import', 'tsx']]];
// Bun comes with `npm ci` (a dev dependency, linux x64); CI says it must be there (.ci/run).
if (existsSync(BUN)) runtimes.push(['bun', BUN, []]);
else test('Bun is installed for the matrix', { skip: process.env.MTLS_TEST_REQUIRE_BUN !== '1' }, () => assert.fail(`no Bun at ${BUN}`));
const [expected, ...results] = await Promise.all([cliCodes(), ...runtimes.map(([, command, args]) => runClients(command, args))]);

for (const [index, [runtime]] of runtimes.entries()) {
  const cells = results[index]!;
  test(`${runtime}: every SDK and transport sends the client certificate (uploads, streams, MCP, global mode, rotation)`, () => {
    const success = [...cells].filter(([cell]) => !cell.startsWith('fail '));
    const failed = success.filter(([, outcome]) => outcome !== 'ok');
    console.log(`${runtime}: ${success.length - failed.length}/${success.length} success cells pass`);
    assert.deepEqual(failed, []);
    assert.ok(success.length >= 18, `only ${success.length} cells ran`);
  });
  test(`${runtime}: each failure gives mtls request's code through every SDK, found with findMtlsError, with no secret in it`, () => {
    const failures = [...cells].filter(([cell]) => cell.startsWith('fail '));
    const wrong = failures.filter(([cell, outcome]) => outcome !== expected[/^fail (.+) \//.exec(cell)![1]!]);
    console.log(`${runtime}: ${failures.length - wrong.length}/${failures.length} failure cells match mtls request (${JSON.stringify(expected)})`);
    assert.deepEqual(wrong, []);
    assert.equal(failures.length, 30);
  });
}

test('the expected codes are the specific ones, not a generic "closed"', () => {
  assert.deepEqual(expected, {
    'no certificate': 'MTLS_CLIENT_CERT_REQUIRED',
    // Node https closes without an alert; the certificate in hand (not from --cacert's CA) names the cause (issue 14, case 4).
    'other CA': 'MTLS_CLIENT_CERT_UNKNOWN_CA',
    expired: 'MTLS_CLIENT_CERT_EXPIRED',
    'wrong passphrase': 'MTLS_KEY_WRONG_PASSPHRASE',
    'missing key': 'MTLS_FILE_NOT_FOUND',
  });
});

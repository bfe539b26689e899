import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runCli } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';

/** Inputs named for what they are: PEM with literal \n, host:port/, and the same certificate in many bundles. */
const FIXTURES = join(ROOT, 'fixtures/credentials');
const CERT_PEM = readFileSync(join(FIXTURES, 'client.pem'), 'utf8');
const KEY_PEM = readFileSync(join(FIXTURES, 'client-key-pkcs8.pem'), 'utf8');
/** How .env files, CI secret stores and octokit carry a PEM: one line, literal \n for the breaks. */
const oneLine = (pem: string) => pem.replace(/\n/g, '\\n');

test('PEM on one line with literal \\n is read: as arguments and from MTLS_CERT_PATH / MTLS_KEY_PATH', async () => {
  const match = await runCli(['match', oneLine(CERT_PEM), oneLine(KEY_PEM)]);
  assert.equal(match.code, 0, match.stderr);
  assert.match(match.stdout, /✔ match/);
  const inspect = await runCli(['inspect', '--json', oneLine(CERT_PEM)]);
  assert.equal(inspect.code, 0, inspect.stderr);
  // Through the environment, as a CI secret would arrive (doctor reads both and checks the pair).
  const doctor = await runCli(['doctor', '--json'], { env: { MTLS_CERT_PATH: oneLine(CERT_PEM), MTLS_KEY_PATH: oneLine(KEY_PEM) } });
  const doc = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; code?: string }[] };
  assert.ok(!doc.checks.some((c) => c.code === 'MTLS_VALUE_WRAPPED' || c.code === 'MTLS_PEM_CORRUPT'), doctor.stdout);
});

test('literal \\n inside other wrapping (quotes, NAME=) is still refused, with what to remove, and the key never shown', async () => {
  for (const wrapped of [`"${oneLine(KEY_PEM)}"`, `KEY=${oneLine(KEY_PEM)}`]) {
    const result = await runCli(['match', join(FIXTURES, 'client.pem'), wrapped]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /MTLS_VALUE_WRAPPED/);
    assert.match(result.stderr, /[Rr]emove the (surrounding quotes|prefix "KEY=")/);
    assert.match(result.stderr, /literal \\n may stay/);
    const body = KEY_PEM.split('\n')[1] as string;
    assert.ok(!result.stderr.includes(body.slice(0, 16)), 'a piece of the key was printed');
  }
});

test('expiry host:port/ (copied from a URL) reads the endpoint host:port', async () => {
  const server = await startOpenSslServer({ cert: join(FIXTURES, 'server-fullchain.pem'), key: join(FIXTURES, 'server-key-pkcs8.pem') });
  const target = `127.0.0.1:${server.port}/`;
  const result = await runCli(['expiry', target, '--json']);
  assert.notEqual(result.code, 2, result.stderr);
  const doc = JSON.parse(result.stdout) as { rows: { source: string; origin: string }[] };
  assert.ok(doc.rows.length > 0 && doc.rows.every((r) => r.source === `127.0.0.1:${server.port}` && r.origin === 'server'), result.stdout);
  assert.match(result.stderr, new RegExp(`reading 127\\.0\\.0\\.1:${server.port}/ as the endpoint 127\\.0\\.0\\.1:${server.port}`));
});

test('expiry: nine bundles sharing one intermediate list it once, with every file it is in', async () => {
  const dir = tempDir('mtls-expiry-dedupe-');
  const mtls = (...args: string[]) => runCli(args, { cwd: dir });
  assert.equal((await mtls('ca', 'init', '--cn', 'Dedupe Root')).code, 0);
  assert.equal((await mtls('ca', 'intermediate', '--cn', 'Shared Intermediate')).code, 0);
  for (let i = 1; i <= 9; i++) assert.equal((await mtls('issue', 'server', `svc${i}.internal`)).code, 0);

  const text = await mtls('expiry', 'pki', '--no-color');
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n');
  const intermediateLines = lines.filter((l) => l.includes('Shared Intermediate') && /\bintermediate\b/.test(l));
  assert.equal(intermediateLines.length, 1, text.stdout);
  // Where it was found: intermediate.crt and each of the nine bundles (at #2, after the leaf).
  for (let i = 1; i <= 9; i++) assert.match(intermediateLines[0] as string, new RegExp(`pki/svc${i}\\.internal\\.crt #2`));
  assert.match(intermediateLines[0] as string, /pki\/intermediate\.crt/);
  assert.match(text.stdout, /11 certificates \(20 counting repeats\) from/);

  const json = JSON.parse((await mtls('expiry', 'pki', '--json')).stdout) as {
    rows: unknown[];
    unique: { name: string; foundIn: { source: string }[] }[];
    counts: { certificates: number; uniqueCertificates: number };
  };
  // Machine readers keep one row per file (a metric per file); people get one line per certificate.
  assert.equal(json.rows.length, 20);
  assert.equal(json.unique.length, 11);
  assert.equal(json.unique.find((u) => u.name === 'Shared Intermediate')?.foundIn.length, 10);
  assert.deepEqual([json.counts.certificates, json.counts.uniqueCertificates], [20, 11]);
});

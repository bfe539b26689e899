import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';

function run(command: string, args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
const openssl = (args: string[]) => new Promise<void>((resolve, reject) => execFile('openssl', args, (error) => (error ? reject(error) : resolve())));

interface Row { source: string; origin: string; role: string; kind: string; name: string; clientAuthSunset: { ca: string; date: string; warning: string } | null }

/**
 * A folder with our PKI and its CRL, a client certificate from a CA that calls itself Let's
 * Encrypt (clientAuth sunset), a subject that needs escaping; and a server that requires a
 * client certificate, scanned with one presented.
 */
async function setUp() {
  const dir = tempDir('mtls-expiry-monitoring-');
  for (const args of [['ca', 'init', '--key-type', 'ec-p256'], ['issue', 'server', 'localhost', '--san', '127.0.0.1'], ['issue', 'client', 'alice', '--org', 'Example, Inc.'], ['ca', 'crl']]) {
    const result = await runCli(args, { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
  }
  const le = join(dir, 'public');
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'le.key'), '-out', join(dir, 'le-ca.crt'), '-subj', "/C=US/O=Let's Encrypt/CN=R11", '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']);
  await openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'pc.key'), '-out', join(dir, 'pc.csr'), '-subj', '/CN=client.example.com']);
  writeFileSync(join(dir, 'pc.ext'), 'extendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:client.example.com\n');
  await openssl(['x509', '-req', '-in', join(dir, 'pc.csr'), '-CA', join(dir, 'le-ca.crt'), '-CAkey', join(dir, 'le.key'), '-CAcreateserial', '-out', `${le}.crt`, '-days', '20', '-extfile', join(dir, 'pc.ext')]);
  await openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'odd.key'), '-out', join(dir, 'pki', 'odd.crt'), '-subj', '/CN=quote"back\\\\slash', '-days', '5']);
  const server = await startOpenSslServer({ cert: join(dir, 'pki/localhost.crt'), key: join(dir, 'pki/localhost.key'), clientCa: join(dir, 'pki/ca.crt'), clientAuth: 'require' });
  return { dir, server };
}

test('expiry --format prometheus passes promtool, one series per certificate; CRLs, the client certificate presented and the clientAuth sunset in text, JSON, metrics and CSV; no URL credentials anywhere', async () => {
  const { dir, server } = await setUp();
  const endpoint = `https://user:s3cret@127.0.0.1:${server.port}/path?token=t0ken`;
  const args = ['expiry', 'pki/', 'public.crt', endpoint, '--cert', 'pki/alice.crt', '--key', 'pki/alice.key'];

  const json = await runCli([...args, '--json'], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as { rows: Row[]; warnings: { warning: string }[] };
  const crl = report.rows.find((r) => r.kind === 'crl');
  assert.equal(crl?.role, 'crl', 'the CRL is a row, its nextUpdate as notAfter');
  const client = report.rows.filter((r) => r.origin === 'client');
  assert.deepEqual(client.map((r) => [r.role, r.name]), [['client', 'alice']], 'the client certificate presented is reported with the endpoint');
  assert.ok(report.rows.some((r) => r.origin === 'server' && r.role === 'leaf' && r.name === 'localhost'));
  const sunset = report.rows.find((r) => r.clientAuthSunset);
  assert.equal(sunset?.name, 'client.example.com');
  assert.equal(sunset?.clientAuthSunset?.ca, "Let's Encrypt");
  assert.match(report.warnings[0]?.warning ?? '', /Let's Encrypt .*client-authentication \(clientAuth\) certificates/);
  assert.ok(!report.rows.some((r) => r.name === 'alice' && r.clientAuthSunset), 'a private CA gets no sunset warning');

  const text = await runCli(args, { cwd: dir });
  assert.match(text.stdout, /crl +CRL of mtls root CA/);
  assert.match(text.stdout, /client +alice .*\(client certificate sent\)/);
  assert.match(text.stdout, /warning client\.example\.com \(public\.crt\): Let's Encrypt/);

  const prom = await runCli([...args, '--format', 'prometheus', endpoint], { cwd: dir });
  assert.equal(prom.code, 0, prom.stderr);
  const lint = await run('promtool', ['check', 'metrics'], prom.stdout);
  assert.equal(lint.code, 0, `promtool: ${lint.stdout}${lint.stderr}`);
  assert.equal(lint.stdout + lint.stderr, '', 'no lint findings');
  const series = prom.stdout.split('\n').filter((l) => l.startsWith('mtls_cert_not_after_seconds{'));
  assert.equal(series.length, report.rows.length, 'one series per certificate per source, the endpoint given twice counted once');
  assert.equal(new Set(series.map((l) => l.slice(0, l.lastIndexOf(' ')))).size, series.length);
  for (const name of ['mtls_cert_expires_in_seconds', 'mtls_cert_valid', 'mtls_scan_errors', 'mtls_cert_client_auth_sunset_seconds']) assert.match(prom.stdout, new RegExp(`# TYPE ${name} gauge`));
  assert.match(prom.stdout, /mtls_cert_valid\{endpoint="https:\/\/127\.0\.0\.1:\d+\/path",presented_by="client",kind="certificate",role="client",position="0",/);
  // The label, unescaped as Prometheus reads it, is the subject exactly (quote and backslash escaped, nothing lost).
  const odd = series.find((l) => l.includes('file="pki/odd.crt"')) as string;
  const label = (/subject="((?:[^"\\]|\\.)*)"/.exec(odd) as RegExpExecArray)[1] as string;
  const unescaped = label.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  assert.equal(unescaped, (report.rows as unknown as { source: string; subject: string }[]).find((r) => r.source === 'pki/odd.crt')?.subject);
  assert.ok(unescaped.includes('"') && unescaped.includes('\\'), 'the subject holds a quote and a backslash');
  assert.match(prom.stdout, /mtls_cert_client_auth_sunset_seconds\{file="public\.crt".*ca="Let's Encrypt"\} \d+/);
  assert.match(prom.stderr, /Let's Encrypt/, 'the warning reaches a person too');

  const csv = await runCli([...args, '--format', 'csv'], { cwd: dir });
  const parsed = await run('python3', ['-c', 'import csv,json,sys; print(json.dumps(list(csv.DictReader(sys.stdin))))'], csv.stdout);
  const records = JSON.parse(parsed.stdout) as Record<string, string>[];
  assert.equal(records.length, report.rows.length);
  const aliceSubject = (report.rows as unknown as { role: string; subject: string }[]).find((r) => r.role === 'client')?.subject ?? '';
  assert.match(aliceSubject, /Example.*, Inc\., CN=alice/);
  assert.ok(records.some((r) => r.role === 'client' && r.subject === aliceSubject), 'a cell with commas survives');
  assert.ok(records.some((r) => r.kind === 'crl'));

  for (const output of [json.stdout, text.stdout, prom.stdout, csv.stdout, json.stderr, text.stderr]) {
    assert.ok(!output.includes('s3cret') && !output.includes('t0ken') && !output.includes('user:'), 'URL credentials and query never appear');
  }
});

test('expiry flags: --json with another --format is refused; --key needs --cert', async () => {
  const { dir } = { dir: tempDir('mtls-expiry-flags-') };
  writeFileSync(join(dir, 'x.pem'), '');
  const both = await runCli(['expiry', 'x.pem', '--json', '--format', 'csv'], { cwd: dir });
  assert.equal(both.code, 2);
  const key = await runCli(['expiry', 'x.pem', '--key', 'k.pem'], { cwd: dir });
  assert.equal(key.code, 2);
  assert.match(key.stderr, /--key needs --cert/);
});

/** `mtls expiry host:port` against a real `openssl s_server` sending leaf + intermediate. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { startOpenSslServer } from '../helpers/peers.js';

const dir = tempDir('mtls-expiry-net-');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
writeFileSync(join(dir, 'leaf.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
openssl('req', '-x509', ...newKey, '-keyout', 'root.key', '-out', 'root.crt', '-subj', '/CN=Net Root', '-days', '3650');
openssl('req', ...newKey, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Net Intermediate');
openssl('x509', '-req', '-in', 'int.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-out', 'int.crt', '-days', '1000', '-extfile', 'ca.ext');
openssl('req', ...newKey, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=net-leaf');
openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'int.crt', '-CAkey', 'int.key', '-out', 'leaf.crt', '-days', '20', '-extfile', 'leaf.ext');

test('expiry lists the whole chain an endpoint presents, leaf and intermediate', async () => {
  const server = await startOpenSslServer({ cert: join(dir, 'leaf.crt'), key: join(dir, 'leaf.key'), chain: join(dir, 'int.crt') });
  const target = `127.0.0.1:${server.port}`;
  const result = await runCli(['expiry', target, '--json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const doc = JSON.parse(result.stdout) as { rows: { name: string; role: string; source: string; status: string }[] };
  assert.deepEqual(doc.rows.map((r) => [r.name, r.role, r.source]), [
    ['net-leaf', 'leaf', target],
    ['Net Intermediate', 'intermediate', target],
  ]);
  assert.equal(doc.rows[0]?.status, 'warn', 'a 20-day certificate is within the default 30d warning');
  const human = await runCli(['expiry', `https://127.0.0.1:${server.port}/`, '--fail', '25d']);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^fail .*net-leaf/m);
});

test('expiry reports an endpoint that cannot be reached and exits 1, other targets still listed', async () => {
  const port = await freePort();
  const result = await runCli(['expiry', `127.0.0.1:${port}`, join(dir, 'root.crt'), '--connect-timeout', '3']);
  assert.equal(result.code, 1);
  assert.match(result.stdout, new RegExp(`unreachable 127\\.0\\.0\\.1:${port}: .*refused`));
  assert.match(result.stdout, /Net Root/);
});

test('an unreachable endpoint is named once in its row', async () => {
  const port = await freePort();
  const target = `localhost:${port}`;
  const result = await runCli(['expiry', target, join(dir, 'root.crt'), '--connect-timeout', '3']);
  const row = result.stdout.split('\n').find((l) => l.startsWith('unreachable')) ?? '';
  assert.equal(row.split(target).length - 1, 1, row);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startNginx } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe } from './serve-helpers.js';

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000 }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

async function mtls(args: string[], cwd: string) {
  const result = await runCli(args, { cwd });
  assert.equal(result.code, 0, `mtls ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** A CA with an intermediate (so a CRL per issuer matters), a server, and two clients: alice gets revoked, bob stays. */
async function pkiWithRevokedAlice() {
  const dir = tempDir('mtls-revocation-');
  await mtls(['ca', 'init', '--key-type', 'ec-p256'], dir);
  await mtls(['ca', 'intermediate', '--key-type', 'ec-p256'], dir);
  await mtls(['issue', 'server', 'localhost', '--san', '127.0.0.1'], dir);
  await mtls(['issue', 'client', 'alice'], dir);
  await mtls(['issue', 'client', 'bob'], dir);
  const revoked = await mtls(['ca', 'revoke', 'pki/alice.crt', '--reason', 'keyCompromise'], dir);
  assert.match(revoked.stdout, /revoked "CN=alice" \(serial [0-9A-F]+, issued by the intermediate CA\): keyCompromise/);
  const again = await mtls(['ca', 'revoke', 'pki/alice.crt', '--reason', 'superseded'], dir);
  assert.match(again.stdout, /already revoked on .* \(keyCompromise\); nothing changed/, 'revoking twice changes nothing');
  await mtls(['ca', 'crl', '--days', '7'], dir);
  const file = (name: string) => join(dir, 'pki', name);
  return { dir, file };
}

test('ca revoke → ca crl: openssl accepts the CRLs (signature, number, nextUpdate) and refuses the revoked client; chain verify --crl names reason and date', async () => {
  const { dir, file } = await pkiWithRevokedAlice();

  const verified = await run('openssl', ['crl', '-in', file('crl.der'), '-inform', 'DER', '-noout', '-verify', '-CAfile', file('intermediate.crt'), '-crlnumber', '-nextupdate']);
  assert.match(verified.stderr + verified.stdout, /verify OK/);
  assert.match(verified.stdout, /crlNumber=0x01/);
  const nextUpdate = Date.parse((/nextUpdate=(.+)/.exec(verified.stdout) as RegExpExecArray)[1] as string);
  assert.ok(Math.abs(nextUpdate - (Date.now() + 7 * 86_400_000)) < 3_600_000, 'nextUpdate is --days 7 ahead');
  const rootCrl = await run('openssl', ['crl', '-in', file('ca-crl.der'), '-inform', 'DER', '-noout', '-verify', '-CAfile', file('ca.crt')]);
  assert.match(rootCrl.stderr + rootCrl.stdout, /verify OK/, "the root signs its own list (for the intermediate)");

  const check = (cert: string) => run('openssl', ['verify', '-crl_check_all', '-CRLfile', file('crl.pem'), '-CAfile', file('ca.crt'), '-untrusted', file('intermediate.crt'), file(cert)]);
  const alice = await check('alice.crt');
  assert.notEqual(alice.code, 0);
  assert.match(alice.stdout + alice.stderr, /certificate revoked/);
  const bob = await check('bob.crt');
  assert.equal(bob.code, 0, bob.stdout + bob.stderr);

  const chain = await runCli(['chain', 'verify', 'pki/alice.crt', '--cacert', 'pki/ca.crt', '--purpose', 'client', '--crl', 'pki/crl.pem'], { cwd: dir });
  assert.equal(chain.code, 1, chain.stdout + chain.stderr);
  assert.match(chain.stdout, /'alice' \(serial [0-9A-F]+\) is revoked by its CA '[^']+' since \d{4}-\d\d-\d\dT[\d:.]+Z \(reason: keyCompromise\)/);
  assert.match(chain.stdout, /MTLS_CHAIN_REVOKED/);
  const bobChain = await runCli(['chain', 'verify', 'pki/bob.crt', '--cacert', 'pki/ca.crt', '--purpose', 'client', '--crl', 'pki/crl.pem', '--json'], { cwd: dir });
  assert.equal(bobChain.code, 0, bobChain.stdout);
  // Both CRLs of crl.pem (the intermediate's and the root's) were used: no link is left unchecked.
  assert.deepEqual((JSON.parse(bobChain.stdout) as { warnings?: { code: string }[] }).warnings?.filter((w) => w.code === 'MTLS_CHAIN_CRL_INVALID') ?? [], []);

  // Refusals: a certificate from another CA, a reason RFC 5280 does not have, the root itself.
  const other = tempDir('mtls-revocation-other-');
  await mtls(['ca', 'init', '--key-type', 'ec-p256'], other);
  const foreign = await runCli(['ca', 'revoke', join(other, 'pki', 'ca.crt'), '--dir', join(dir, 'pki')], { cwd: dir });
  assert.equal(foreign.code, 2, foreign.stderr);
  assert.match(foreign.stderr, /MTLS_REVOKE_NOT_ISSUED_HERE/);
  const reason = await runCli(['ca', 'revoke', 'pki/bob.crt', '--reason', 'boredom'], { cwd: dir });
  assert.equal(reason.code, 2);
  assert.match(reason.stderr, /keyCompromise, cACompromise/);
  const root = await runCli(['ca', 'revoke', 'pki/ca.crt'], { cwd: dir });
  assert.equal(root.code, 2);
  assert.match(root.stderr, /cannot be revoked by its own CRL/);

  // The numbers only grow, and a bare serial is revoked too (by the issuing CA).
  const serial = (/serial=(\w+)/.exec((await run('openssl', ['x509', '-in', file('bob.crt'), '-noout', '-serial'])).stdout) as RegExpExecArray)[1] as string;
  await mtls(['ca', 'revoke', serial.toLowerCase(), '--reason', 'superseded'], dir);
  await mtls(['ca', 'crl'], dir);
  const second = await run('openssl', ['crl', '-in', file('crl.der'), '-inform', 'DER', '-noout', '-text']);
  assert.match(second.stdout, /CRL Number: \s*2/);
  assert.match(second.stdout, new RegExp(`Serial Number: ${serial}[\\s\\S]*Superseded`));
});

test('nginx ssl_crl and mtls serve --crl refuse the revoked client and accept another; serve --watch takes a new CRL without a restart', async () => {
  const { dir, file } = await pkiWithRevokedAlice();
  const curl = (url: string, client: string) =>
    run('curl', ['-sS', '--max-time', '10', '-w', '\nstatus=%{http_code}', '--cacert', file('ca.crt'), '--cert', file(`${client}.crt`), '--key', file(`${client}.key`), url]);

  const nginx = await startNginx({ cert: file('localhost.crt'), key: file('localhost.key'), clientCa: file('ca.crt'), serverConf: `ssl_crl ${file('crl.pem')};` });
  const refused = await curl(nginx.url, 'alice');
  assert.match(refused.stdout, /400 The SSL certificate error/);
  assert.match(refused.stdout, /status=400/);
  assert.match(nginx.log(), /certificate revoked/);
  const accepted = await curl(nginx.url, 'bob');
  assert.match(accepted.stdout, /subject=CN=bob verify=SUCCESS/);

  const server = await spawnServe(['--cert', file('localhost.crt'), '--key', file('localhost.key'), '--client-ca', file('ca.crt'), '--crl', file('crl.pem'), '--port', '0', '--watch']);
  const aliceAtServe = await curl(server.url, 'alice');
  assert.match(aliceAtServe.stdout, /status=495/);
  assert.match(aliceAtServe.stdout, /reason: the client certificate "alice" \(serial [0-9A-F]+\) is revoked/);
  assert.match(aliceAtServe.stdout, /code: MTLS_SERVE_CLIENT_REVOKED/);
  const bobAtServe = await curl(server.url, 'bob');
  assert.match(bobAtServe.stdout, /status=200/);

  await mtls(['ca', 'revoke', 'pki/bob.crt', '--reason', 'affiliationChanged'], dir);
  await mtls(['ca', 'crl'], dir);
  await server.waitFor(() => /reloaded/.test(server.stderr()), 'serve reloading the new CRL');
  const bobAfter = await curl(server.url, 'bob');
  assert.match(bobAfter.stdout, /status=495/);
  assert.match(bobAfter.stdout, /MTLS_SERVE_CLIENT_REVOKED/);
  assert.ok(readFileSync(file('revoked.json'), 'utf8').includes('affiliationChanged'));
  server.signal('SIGTERM');
  await server.exited();
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startOpenSslServer } from '../helpers/peers.js';
import { tempDir } from '../helpers/tmp.js';

function run(command: string, args: string[], env: Record<string, string | undefined> = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000, env: env as NodeJS.ProcessEnv }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }));
  });
}

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/**
 * The Debian store in a sandbox root (update-ca-certificates run for real with its own path
 * flags), a temporary NSS database as ~/.pki/nssdb and a temporary Java keystore: install,
 * install again (nothing changes), dry-run uninstall (nothing changes), uninstall. curl, given no
 * --cacert but the sandbox bundle as its default (CURL_CA_BUNDLE), trusts the server only while
 * the CA is installed. The real /etc is never touched.
 */
test('ca install / uninstall round trip: sandboxed Debian store (curl trusts the server, then not), NSS and Java, idempotent, --dry-run changes nothing', async (t) => {
  if (!existsSync('/usr/sbin/update-ca-certificates') && !has('update-ca-certificates')) {
    t.skip('update-ca-certificates is not installed (not a Debian/Ubuntu machine)');
    return;
  }
  assert.ok(has('certutil'), 'certutil (libnss3-tools) is installed by .ci/run');
  assert.ok(has('keytool'), 'keytool (a JDK) is on this machine');
  const dir = tempDir('mtls-trust-');
  const cli = async (args: string[], expected = 0) => {
    const result = await runCli(args, { cwd: dir, env: { HOME: home, MTLS_TRUST_ROOT: root } });
    assert.equal(result.code, expected, `mtls ${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  const root = join(dir, 'root');
  const home = join(dir, 'home');
  const keystore = join(dir, 'truststore.p12');
  // A system store is never empty (update-ca-certificates does not rebuild an empty one): one other CA is there already.
  mkdirSync(join(root, 'usr/local/share/ca-certificates'), { recursive: true });
  assert.equal((await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'other.key'), '-out', join(root, 'usr/local/share/ca-certificates/other.crt'), '-subj', '/CN=some other CA', '-days', '30'])).code, 0);
  mkdirSync(join(home, '.pki/nssdb'), { recursive: true });
  assert.equal((await run('certutil', ['-N', '-d', `sql:${join(home, '.pki/nssdb')}`, '--empty-password'])).code, 0);

  await cli(['ca', 'init', '--key-type', 'ec-p256']);
  await cli(['issue', 'server', 'localhost', '--san', '127.0.0.1']);
  const server = await startOpenSslServer({ cert: join(dir, 'pki/localhost.crt'), key: join(dir, 'pki/localhost.key') });
  const bundle = join(root, 'etc/ssl/certs/ca-certificates.crt');
  const curlWithSystemStore = () => run('curl', ['-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', server.url], { ...process.env, CURL_CA_BUNDLE: bundle, SSL_CERT_FILE: bundle });
  const nssHas = async () => (await run('certutil', ['-d', `sql:${join(home, '.pki/nssdb')}`, '-L'])).stdout.includes('mtls-root-ca');
  const javaHas = async () => (await run('keytool', ['-list', '-keystore', keystore, '-storepass', 'changeit'])).stdout.includes('mtls-root-ca');

  const dry = await cli(['ca', 'install', '--dry-run', '--java-truststore', keystore]);
  assert.match(dry.stdout, /dry run: nothing was changed/);
  assert.match(dry.stdout, /would-install +Debian\/Ubuntu system store/);
  assert.match(dry.stdout, /\$ \S*update-ca-certificates --certsconf /);
  assert.match(dry.stdout, /\$ \S*certutil -d sql:\S+ -A -t C,, -n mtls-root-ca-\S+ -i /);
  assert.ok(!existsSync(bundle) && !(await nssHas()) && !existsSync(keystore), 'a dry run changes nothing');

  const installed = await cli(['ca', 'install', '--java-truststore', keystore]);
  const name = (/"(mtls-root-ca-[a-z0-9-]+)"/.exec(installed.stdout) as RegExpExecArray)[1] as string;
  assert.match(installed.stdout, /✔ installed +Debian\/Ubuntu system store .* now holds the CA/);
  assert.match(installed.stdout, /✔ installed +NSS sql:/);
  assert.match(installed.stdout, /✔ installed +Java truststore/);
  assert.match(installed.stdout, /NODE_EXTRA_CA_CERTS=\S+pki\/ca\.crt/);
  assert.ok(existsSync(join(root, `usr/local/share/ca-certificates/${name}.crt`)), 'the file is named after the CA');
  assert.equal((await curlWithSystemStore()).stdout, '200', 'curl without --cacert trusts the server through the store');
  assert.ok((await nssHas()) && (await javaHas()));
  assert.ok(!existsSync(`/usr/local/share/ca-certificates/${name}.crt`), 'the real store is untouched');

  const twice = await cli(['ca', 'install', '--java-truststore', keystore, '--json']);
  const steps = (JSON.parse(twice.stdout) as { steps: { store: string; status: string }[] }).steps;
  assert.deepEqual(steps.map((s) => `${s.store}:${s.status}`), ['system:already-installed', 'nss:already-installed', 'java:already-installed', 'node:advice']);

  const dryRemove = await cli(['ca', 'uninstall', '--dry-run', '--java-truststore', keystore]);
  assert.match(dryRemove.stdout, /would-remove/);
  assert.equal((await curlWithSystemStore()).stdout, '200', 'still trusted after a dry run');

  const removed = await cli(['ca', 'uninstall', '--java-truststore', keystore]);
  assert.match(removed.stdout, /✔ removed +Debian\/Ubuntu system store .* no longer holds the CA/);
  const after = await curlWithSystemStore();
  assert.notEqual(after.code, 0, 'curl no longer trusts the server');
  assert.match(after.stderr, /certificate/i);
  assert.ok(!(await nssHas()) && !(await javaHas()));
  assert.ok(readFileSync(bundle, 'utf8').includes('-----BEGIN CERTIFICATE-----'), 'the other CA is still in the bundle');

  const absent = await cli(['ca', 'uninstall', '--java-truststore', keystore]);
  assert.match(absent.stdout, /= not-installed +Debian/);
  writeFileSync(join(dir, 'done'), '');
});

test('ca install says why it skips a store: no NSS database, no truststore', async () => {
  const dir = tempDir('mtls-trust-skip-');
  await runCli(['ca', 'init', '--key-type', 'ec-p256'], { cwd: dir });
  const result = await runCli(['ca', 'install', '--store', 'nss,java', '--dry-run'], { cwd: dir, env: { HOME: join(dir, 'empty-home'), JAVA_HOME: join(dir, 'no-jdk'), PATH: '/nonexistent' } });
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /skipped +NSS .*: no NSS database under /);
  assert.match(result.stdout, /skipped +Java truststore: no JDK found/);
});

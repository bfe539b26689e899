// Issue 13's exit-3 inputs that the chain work fixed: a chain of nine intermediates, and a
// certificate of ~40 KB holding more than 10,000 ASN.1 nodes. Each command must answer (0, 1 or 2)
// with no "internal error", in chain verify, doctor, inspect, expiry and match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const dir = tempDir('mtls-deep-');
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

writeFileSync(
  join(dir, 'ext.cnf'),
  [
    '[ca]',
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    '[leaf]',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=DNS:leaf.example.com',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid',
    // An unknown, non-critical extension: a SEQUENCE of 15,000 NULLs (30 KB, 15,001 nodes).
    '[big]',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth,clientAuth',
    'subjectAltName=DNS:big.example.com',
    `1.3.6.1.4.1.99999.1=DER:3082${(15000 * 2).toString(16).padStart(4, '0')}${'0500'.repeat(15000)}`,
    '',
  ].join('\n'),
);
openssl('req', '-x509', ...ec, '-keyout', 'c0.key', '-out', 'c0.pem', '-subj', '/CN=deep root', '-days', '30', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
for (let i = 1; i <= 9; i++) {
  openssl('req', ...ec, '-keyout', `c${i}.key`, '-out', `c${i}.csr`, '-subj', `/CN=deep intermediate ${i}`);
  openssl('x509', '-req', '-in', `c${i}.csr`, '-CA', `c${i - 1}.pem`, '-CAkey', `c${i - 1}.key`, '-CAcreateserial', '-out', `c${i}.pem`, '-days', '30', '-extfile', 'ext.cnf', '-extensions', 'ca');
}
for (const [name, section] of [['leaf', 'leaf'], ['big', 'big']] as const) {
  openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', section === 'leaf' ? 'c9.pem' : 'c0.pem', '-CAkey', section === 'leaf' ? 'c9.key' : 'c0.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '30', '-extfile', 'ext.cnf', '-extensions', section);
}
const chain = ['leaf', 'c9', 'c8', 'c7', 'c6', 'c5', 'c4', 'c3', 'c2', 'c1'].map((n) => readFileSync(join(dir, `${n}.pem`), 'utf8')).join('');
writeFileSync(join(dir, 'chain.pem'), chain);

const answers = async (args: string[]) => {
  const result = await runCli(args, { cwd: dir, timeoutMs: 60_000 });
  const said = `${args.join(' ')} → ${result.code}\n${result.stdout}${result.stderr}`;
  assert.ok([0, 1, 2].includes(result.code), said);
  assert.doesNotMatch(result.stdout + result.stderr, /internal error|please report|\n\s+at /i, said);
  return result;
};

test('a chain of nine intermediates is judged, not an internal error (chain verify, doctor, expiry)', async () => {
  const verified = await answers(['chain', 'verify', 'chain.pem', '--cacert', 'c0.pem', '--purpose', 'server', '--host', 'leaf.example.com']);
  assert.equal(verified.code, 0, verified.stdout);
  assert.match(verified.stdout, /deep intermediate 9/);
  await answers(['doctor', '--cert', 'chain.pem', '--key', 'leaf.key', '--cacert', 'c0.pem']);
  await answers(['expiry', 'chain.pem']);
});

test('a 40 KB certificate with over 10,000 ASN.1 nodes is read by every command', async () => {
  assert.ok(readFileSync(join(dir, 'big.pem')).length > 33_000);
  const verified = await answers(['chain', 'verify', 'big.pem', '--cacert', 'c0.pem', '--purpose', 'server', '--host', 'big.example.com']);
  assert.equal(verified.code, 0, verified.stdout);
  await answers(['doctor', '--cert', 'big.pem', '--key', 'big.key', '--cacert', 'c0.pem']);
  await answers(['inspect', 'big.pem']);
  await answers(['expiry', 'big.pem']);
  assert.equal((await answers(['match', 'big.pem', 'big.key'])).code, 0);
});

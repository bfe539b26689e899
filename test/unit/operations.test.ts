import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeLabel } from '../../src/render/expiry-prometheus.js';
import { renderExpiryCsv } from '../../src/render/expiry-csv.js';
import { normalizeSerial } from '../../src/core/revocation/serial.js';
import { parseRevocationReason } from '../../src/core/revocation/reasons.js';
import { clientAuthSunsetFor, CLIENT_AUTH_OID } from '../../src/core/public-ca/client-auth-sunset.js';
import { endpointLabel, type ExpiryReport } from '../../src/core/expiry/scan.js';
import { trustName } from '../../src/core/trust-store/name.js';
import { applyTrust, type StoreContext } from '../../src/core/trust-store/index.js';

test('prometheus label values escape backslash, double quote and line feed, and nothing else', () => {
  assert.equal(escapeLabel('a\\b"c\nd, é'), 'a\\\\b\\"c\\nd, é');
});

test('CSV: quotes and commas quoted, formulas defused', () => {
  const row = { source: 'x.crt', origin: 'file', kind: 'certificate', position: 0, role: 'leaf', name: '=cmd|calc', subject: 'O=A\\, "B", CN==x', issuerSubject: '@evil', serialNumber: '01', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-02-01T00:00:00.000Z', status: 'ok', failing: false, fingerprintSha256: 'AA', clientAuthSunset: null };
  const csv = renderExpiryCsv({ now: '2026-01-15T00:00:00.000Z', rows: [row] } as unknown as ExpiryReport);
  const line = csv.split('\r\n')[1] ?? '';
  assert.match(line, /^x\.crt,file,certificate,0,leaf,'=cmd\|calc,"O=A\\, ""B"", CN==x",'@evil,01,/);
  assert.match(line, /,1468800,ok,false,AA,$/);
});

test('serials and reasons are read as openssl writes them', () => {
  assert.equal(normalizeSerial('0x00:ff:01'), 'FF01');
  assert.equal(normalizeSerial('a'), '0A');
  assert.equal(normalizeSerial('not hex'), null);
  assert.equal(parseRevocationReason('KEYCOMPROMISE'), 'keyCompromise');
  assert.equal(parseRevocationReason('removeFromCRL'), null, 'delta CRLs only');
});

test('clientAuth sunset: only clientAuth certificates under a listed public CA', () => {
  const le = ["C=US\nO=Let's Encrypt\nCN=R11"];
  assert.equal(clientAuthSunsetFor([CLIENT_AUTH_OID], le)?.ca, "Let's Encrypt");
  assert.equal(clientAuthSunsetFor(['1.3.6.1.5.5.7.3.1'], le), null, 'serverAuth only: nothing to warn about');
  assert.equal(clientAuthSunsetFor(undefined, le), null);
  assert.equal(clientAuthSunsetFor([CLIENT_AUTH_OID], ['CN=R11', 'C=US\nO=DigiCert Inc\nCN=DigiCert Global Root G2'])?.date, '2027-03-01', 'an issuer higher up counts');
  assert.equal(clientAuthSunsetFor([CLIENT_AUTH_OID], ['CN=mtls root CA']), null);
});

test('endpoint labels lose user, password, query and fragment', () => {
  assert.equal(endpointLabel('https://u:p@host:8443/a?token=x#f'), 'https://host:8443/a');
  assert.equal(endpointLabel('https://host'), 'https://host');
  assert.equal(endpointLabel('host:443'), 'host:443');
});

test('trust names: readable, unique per CA', () => {
  assert.match(trustName('mtls root CA alice@laptop 3f9a1c', Buffer.from('a')), /^mtls-root-ca-alice-laptop-3f9a1c-[0-9a-f]{8}$/);
  assert.match(trustName('Example Root', Buffer.from('a')), /^mtls-example-root-[0-9a-f]{8}$/);
  assert.notEqual(trustName('Example Root', Buffer.from('a')), trustName('Example Root', Buffer.from('b')));
});

/** The macOS and Windows stores cannot run here; their plans (what --dry-run prints) are checked against a recorded exec. */
test('macOS and Windows system stores: the documented commands, found-or-not by SHA-1 and serial', async () => {
  const ran: string[][] = [];
  const base = {
    ca: { path: '/p/ca.crt', pem: '', subject: 'CN=x', name: 'mtls-x-00000000', sha1: 'ABCDEF', serialNumber: '0A' },
    dryRun: true,
    root: null,
    env: {},
    which: () => null,
    exec: async (argv: string[]) => {
      ran.push(argv);
      return { code: 1, stdout: '', stderr: '' };
    },
  } satisfies Omit<StoreContext, 'mode' | 'platform'>;
  const mac = await applyTrust({ ...base, mode: 'install', platform: 'darwin' }, ['system']);
  assert.deepEqual(mac.steps[0]?.commands, [['sudo', 'security', 'add-trusted-cert', '-d', '-r', 'trustRoot', '-k', '/Library/Keychains/System.keychain', '/p/ca.crt']]);
  assert.equal(mac.steps[0]?.status, 'would-install');
  const win = await applyTrust({ ...base, mode: 'install', platform: 'win32' }, ['system']);
  assert.deepEqual(win.steps[0]?.commands, [['certutil', '-addstore', '-f', 'Root', '/p/ca.crt']]);
  assert.deepEqual(ran, [['security', 'find-certificate', '-a', '-Z', '/Library/Keychains/System.keychain'], ['certutil', '-store', 'Root', '0A']], 'a dry run only looks');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { catalog } from '../../src/diagnoses/catalog.js';
import { tlsDiagnoses } from '../../src/diagnoses/catalog/tls.js';
import { seenElsewhere } from '../../src/diagnoses/elsewhere.js';
import { catalogGroups } from '../../src/diagnoses/groups.js';
import { nearestCodes } from '../../src/diagnoses/suggest.js';

test('every TLS code says how curl, openssl or Node show it; the table names only catalog codes', () => {
  for (const code of Object.keys(tlsDiagnoses)) {
    const seen = seenElsewhere[code as keyof typeof seenElsewhere];
    assert.ok(seen && (seen.curl || seen.node), `${code} has no entry in src/diagnoses/elsewhere.ts`);
  }
  for (const code of Object.keys(seenElsewhere)) assert.ok(Object.hasOwn(catalog, code), code);
});

test('the groups hold every catalog code exactly once', () => {
  const listed = catalogGroups.flatMap((g) => Object.keys(g.entries)).sort();
  assert.deepEqual(listed, Object.keys(catalog).sort());
});

test('mtls explain CODE: meaning, causes, fixes and other tools; case and the MTLS_ prefix do not matter', async () => {
  for (const typed of ['MTLS_CLIENT_CERT_REQUIRED', 'client_cert_required', 'Mtls_Client_Cert_Required', 'client-cert-required']) {
    const result = await runCli(['explain', typed]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^MTLS_CLIENT_CERT_REQUIRED: The server requires a client certificate/);
    assert.match(result.stdout, /Likely causes, most likely first:\n {4}1\. No client certificate was given/);
    assert.match(result.stdout, /What to do:/);
    assert.match(result.stdout, /curl {5}curl: \(56\).*certificate required/);
    assert.match(result.stdout, /Node {5}.*ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED/);
    assert.equal(result.stderr, '');
  }
});

test('mtls explain CODE --json is the catalog entry with seenElsewhere', async () => {
  const result = await runCli(['explain', 'server_name_mismatch', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const doc = JSON.parse(result.stdout);
  assert.equal(doc.kind, 'explain');
  assert.equal(doc.code, 'MTLS_SERVER_NAME_MISMATCH');
  assert.equal(doc.exit, 1);
  assert.equal(doc.group, 'tls');
  assert.deepEqual(doc.causes, catalog.MTLS_SERVER_NAME_MISMATCH.causes);
  assert.match(doc.seenElsewhere.node, /ERR_TLS_CERT_ALTNAME_INVALID/);
});

test('an unknown code: did you mean the nearest, exit 2 (and a JSON error document with --json)', async () => {
  const typo = await runCli(['explain', 'MTLS_CLIENT_CERT_UNKNWN_CA']);
  assert.equal(typo.code, 2);
  assert.equal(typo.stdout, '');
  assert.match(typo.stderr, /Did you mean MTLS_CLIENT_CERT_UNKNOWN_CA\b/);
  assert.match(typo.stderr, /mtls explain MTLS_CLIENT_CERT_UNKNOWN_CA/);
  const part = await runCli(['explain', 'unknown_ca', '--json']);
  assert.equal(part.code, 2);
  const doc = JSON.parse(part.stdout);
  assert.equal(doc.error.code, 'MTLS_USAGE');
  assert.match(doc.error.summary, /MTLS_CLIENT_CERT_UNKNOWN_CA/);
  const none = await runCli(['explain', 'zzzzzzzzzzzzzzzzzzzz']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /Run mtls explain to list every code/);
});

test('nearestCodes: typos by edit distance, parts of a code first', () => {
  assert.equal(nearestCodes('MTLS_PLAIN_HTP', Object.keys(catalog))[0], 'MTLS_PLAIN_HTTP');
  assert.equal(nearestCodes('expired', Object.keys(catalog)).length, 3);
});

test('mtls explain alone lists every code by group; --json too', async () => {
  const result = await runCli(['explain']);
  assert.equal(result.code, 0, result.stderr);
  for (const code of Object.keys(catalog)) assert.match(result.stdout, new RegExp(`^  ${code} `, 'm'));
  assert.match(result.stdout, /^tls \(connecting/m);
  const json = JSON.parse((await runCli(['explain', '--json'])).stdout);
  assert.equal(json.groups.flatMap((g: { codes: unknown[] }) => g.codes).length, Object.keys(catalog).length);
});

test('errors point at mtls explain CODE, never at a docs path that an installed package does not have', async () => {
  const result = await runCli(['inspect', 'no-such-file.crt']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /More: mtls explain MTLS_FILE_NOT_FOUND/);
  assert.doesNotMatch(result.stderr, /docs\//);
  const help = await runCli(['--help']);
  assert.doesNotMatch(help.stdout, /docs\/diagnoses\.md/);
  assert.match(help.stdout, /mtls explain CODE/);
});

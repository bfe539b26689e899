/**
 * The evidence → cause engine (src/tls/diagnosis/), fed the way each server stack refuses a
 * client certificate (issue 14): the alert it sends, or the close without one, or its HTTP page,
 * with the certificate in hand. The real stacks prove the same end to end (test/stacks/,
 * test/net/diagnosis-*.test.ts); here every quirk is one plain value in, one diagnosis out.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { CertificateFacts } from '../../src/core/certificate/parse.js';
import type { Diagnosis } from '../../src/diagnoses/types.js';
import { alertFromNumber, ALERT_NAMES } from '../../src/tls/alerts.js';
import { newConnectionRecord } from '../../src/tls/connector.js';
import { diagnoseFailure, type FailureEvidence } from '../../src/tls/diagnose.js';
import { parseCertificate } from '../../src/core/certificate/parse.js';
import { publicCaCheck, validityCheck } from '../../src/core/doctor/certificate.js';
import { parseThreshold } from '../../src/core/time/duration.js';
import { clientFacts } from '../../src/tls/diagnosis/facts.js';
import { certificatesBeside } from '../../src/tls/diagnosis/nearby.js';
import { clockSkewDiagnosis, inspectionBy, publicCaDiagnosis } from '../../src/tls/diagnosis/warnings.js';
import { diagnoseHttpRejection } from '../../src/tls/http-rejection.js';
import type { ProbeResult } from '../../src/tls/probe/index.js';
import { makeDiagnosisPki, type ClientScenario, type DiagnosisPki } from '../helpers/diagnosis-pki.js';

const pki: DiagnosisPki = await makeDiagnosisPki();

const ROOT = 'O=mtls diagnosis tests, CN=diagnosis root CA';
const RSA_ROOTS = ['O=mtls diagnosis tests, CN=diagnosis RSA root CA', 'O=mtls diagnosis tests, CN=diagnosis SHA-1 root CA'];

function probe(acceptedCas: string[] | null, outcome: ProbeResult['outcome'] = 'tls12'): ProbeResult {
  return { outcome, tls12: outcome === 'tls12', certificateRequested: outcome === 'tls12' ? acceptedCas !== null : null, acceptedCas, certificateRequest: null, serverChain: [], alert: null };
}

const alertNumber = (name: string) => Number(Object.entries(ALERT_NAMES).find(([, n]) => n === name)?.[0]);

interface Case {
  scenario: ClientScenario | null;
  /** An alert name, or 'close-during' / 'close-after' for a close without one. */
  how: string;
  version?: 'TLSv1.2' | 'TLSv1.3';
  accepted?: string[] | null;
  outcome?: ProbeResult['outcome'];
  files?: boolean;
}

async function evidence(c: Case): Promise<FailureEvidence> {
  const record = newConnectionRecord();
  record.protocol = c.version ?? 'TLSv1.2';
  record.tcpDoneMs = 1;
  if (c.how === 'close-after') record.handshakeComplete = true;
  else if (c.how === 'close-during') record.closedDuringHandshake = true;
  else record.alert = alertFromNumber(alertNumber(c.how));
  const client = c.scenario ? pki.clients[c.scenario] : null;
  const closed = c.how.startsWith('close');
  return {
    error: closed ? { code: 'ECONNRESET', name: 'Error', message: 'socket hang up' } : { code: `ERR_SSL_ALERT`, name: 'Error', message: c.how },
    connection: record,
    target: { host: '127.0.0.1', port: 8443 },
    clientChain: client?.facts ?? [],
    trustedCas: null,
    serverChain: [],
    probe: c.accepted === undefined ? probe([ROOT, ...RSA_ROOTS]) : probe(c.accepted, c.outcome),
    maxTimeExceeded: false,
    connectTimeoutMs: null,
    maxTimeMs: null,
    now: new Date(),
    ...(client && c.files !== false ? { files: { cert: client.cert, key: client.key, ca: null }, nearby: await certificatesBeside(client.cert, '/') } : {}),
  };
}

async function run(c: Case): Promise<Diagnosis> {
  return diagnoseFailure(await evidence(c));
}

describe('no certificate sent, the server asked for one (case 1): every stack\'s way of saying so', () => {
  const ways: [string, string][] = [
    ['certificate_required', 'OpenSSL TLS 1.3'],
    ['handshake_failure', 'OpenSSL TLS 1.2'],
    ['bad_certificate', 'Go, Caddy'],
    ['certificate_unknown', 'Tomcat'],
    ['close-during', 'GnuTLS, mbedTLS, wolfSSL over TLS 1.2'],
    ['close-after', 'Node https, the JDK'],
  ];
  for (const [how, who] of ways) {
    it(`${how} (${who}) → MTLS_CLIENT_CERT_REQUIRED, "pass --cert" first`, async () => {
      const d = await run({ scenario: null, how });
      assert.equal(d.code, 'MTLS_CLIENT_CERT_REQUIRED', d.summary);
      assert.match(d.fixes[0] ?? '', /--cert .*--key/);
      assert.ok(!d.fixes.some((f) => /s_client/.test(f)), d.fixes.join('\n'));
    });
  }
});

describe('the certificate in hand outweighs an alert that contradicts it', () => {
  it('wolfSSL: certificate_expired for a certificate not valid yet → NOT_YET_VALID, "starts on DATE (14 years)", no clock advice (case 8)', async () => {
    const d = await run({ scenario: 'notYetValid', how: 'certificate_expired' });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_NOT_YET_VALID');
    assert.match(d.summary, /valid only from/);
    assert.doesNotMatch(d.summary, /expired on/);
    assert.match(d.fixes[0] ?? '', /Re-issue it with a correct start date: .* starts on .*, 1[34] years from now/);
    assert.ok(!d.fixes.some((f) => /Check the clocks/.test(f)), d.fixes.join('\n'));
  });

  it('Tomcat: certificate_unknown for an expired certificate → EXPIRED, fixed with `mtls renew <its path>` (issue 18)', async () => {
    const d = await run({ scenario: 'expired', how: 'certificate_unknown' });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_EXPIRED');
    assert.equal(d.fixes[0], `Renew it: \`mtls renew ${pki.clients.expired.cert}\` for a certificate from an mtls CA (else ask the CA that issued it for a new one).`);
    assert.ok(!d.fixes.some((f) => /mtls issue client NAME/.test(f)), d.fixes.join('\n'));
  });

  it('doctor gives the same fix for the same expired certificate (issue 18)', async () => {
    const e = await evidence({ scenario: 'expired', how: 'certificate_expired' });
    e.files = { cert: 'certs/me.crt', key: 'certs/me.key', ca: 'ca/ca.crt' };
    const der = Buffer.from(readFileSync(pki.clients.expired.cert, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
    const check = validityCheck(parseCertificate(der), parseThreshold('0s', '--fail-within'), new Date(), 'certs/me.crt', 'ca/ca.crt');
    assert.equal(check.fix, diagnoseFailure(e).fixes[0]);
  });

  it('the renew fix names the CA folder when --cacert lives elsewhere', async () => {
    const e = await evidence({ scenario: 'expired', how: 'certificate_expired' });
    e.files = { cert: 'certs/me.crt', key: 'certs/me.key', ca: 'ca/ca.crt' };
    assert.match(diagnoseFailure(e).fixes[0] ?? '', /`mtls renew certs\/me\.crt --dir ca`/);
  });

  it('mbedTLS: unsupported_certificate for an RSA-1024 key → KEY_TOO_WEAK naming SECLEVEL 2 (case 3)', async () => {
    const d = await run({ scenario: 'rsa1024', how: 'unsupported_certificate' });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_KEY_TOO_WEAK');
    assert.match(d.summary, /RSA key of 1024 bits .*EE certificate key too weak.*security level 2/);
  });

  for (const how of ['bad_certificate', 'handshake_failure', 'close-during', 'close-after']) {
    it(`RSA-1024 refused with ${how} → KEY_TOO_WEAK`, async () => {
      assert.equal((await run({ scenario: 'rsa1024', how })).code, 'MTLS_CLIENT_CERT_KEY_TOO_WEAK');
    });
  }

  it('a SHA-1 signature refused with bad_certificate → WEAK_SIGNATURE ("ca md too weak")', async () => {
    const d = await run({ scenario: 'sha1', how: 'bad_certificate' });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_WEAK_SIGNATURE');
    assert.match(d.summary, /ca md too weak/);
  });

  it('Go: bad_certificate for every refusal: the certificate in hand names the cause', async () => {
    const table: [ClientScenario, string][] = [
      ['expired', 'MTLS_CLIENT_CERT_EXPIRED'],
      ['notYetValid', 'MTLS_CLIENT_CERT_NOT_YET_VALID'],
      ['serverAuthOnly', 'MTLS_CLIENT_CERT_WRONG_USAGE'],
      ['otherCa', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
      ['selfSigned', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
      ['leafWithoutIntermediate', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
    ];
    for (const [scenario, code] of table) assert.equal((await run({ scenario, how: 'bad_certificate' })).code, code, scenario);
  });
});

describe('a close without an alert (Node https, the JDK): the certificate in hand decides (case 4)', () => {
  const table: [ClientScenario, string][] = [
    ['expired', 'MTLS_CLIENT_CERT_EXPIRED'],
    ['serverAuthOnly', 'MTLS_CLIENT_CERT_WRONG_USAGE'],
    ['otherCa', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
    ['leafWithoutIntermediate', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
  ];
  for (const how of ['close-during', 'close-after']) {
    for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
      it(`${how}, ${version}`, async () => {
        for (const [scenario, code] of table) assert.equal((await run({ scenario, how, version })).code, code, `${scenario} ${how} ${version}`);
      });
    }
  }

  it('with nothing wrong in hand, the close stays a close (no guess)', async () => {
    assert.equal((await run({ scenario: 'good', how: 'close-during' })).code, 'MTLS_PEER_CLOSED_HANDSHAKE');
    assert.equal((await run({ scenario: 'good', how: 'close-after', version: 'TLSv1.3' })).code, 'MTLS_PEER_CLOSED_AFTER_HANDSHAKE');
  });
});

describe('the issuer is judged by the path, not by any certificate of the chain (case 2)', () => {
  it('leaf + intermediate while the server lists the root: no "re-created CA" anywhere', async () => {
    const d = await run({ scenario: 'leafWithIntermediate', how: 'bad_certificate', accepted: [ROOT] });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_REJECTED', d.summary);
    assert.ok(!JSON.stringify(d).includes('re-created'), JSON.stringify(d.causes));
  });

  it('unknown_ca for a name the server lists: then, and only then, a re-created CA is the cause', async () => {
    const d = await run({ scenario: 'good', how: 'unknown_ca', accepted: [ROOT] });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA');
    assert.match(d.fixes[0] ?? '', /re-created/);
  });
});

describe('a leaf sent without its intermediate (case 5)', () => {
  it('first cause and first fix: send the intermediate, with the user\'s own files', async () => {
    const ev = await evidence({ scenario: 'leafWithoutIntermediate', how: 'unknown_ca', accepted: [ROOT] });
    const d = diagnoseFailure(ev);
    assert.equal(d.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA');
    assert.match(d.causes[0]?.cause ?? '', /without the intermediate/);
    const cert = pki.clients.leafWithoutIntermediate.cert;
    assert.equal(d.fixes[0], `Send the intermediate ("O=mtls diagnosis tests, CN=diagnosis intermediate CA") with your certificate: \`cat ${cert} ${join(dirname(cert), 'intermediate.crt')} > ${cert.replace(/\.crt$/, '-chain.crt')}\`, then pass \`--cert ${cert.replace(/\.crt$/, '-chain.crt')}\`.`);
  });

  it('the same over TLS 1.3 only (no CA list): the intermediate beside the certificate still tells', async () => {
    const d = await run({ scenario: 'leafWithoutIntermediate', how: 'close-after', version: 'TLSv1.3', accepted: null, outcome: 'tls13-only' });
    assert.equal(d.code, 'MTLS_CLIENT_CERT_UNKNOWN_CA');
    assert.match(d.fixes[0] ?? '', /^Send the intermediate/);
  });
});

describe('other causes', () => {
  it('internal_error is the server\'s failure: its log and its own chain (case 9)', async () => {
    for (const scenario of ['good', 'expired', null] as const) {
      const d = await run({ scenario, how: 'internal_error' });
      assert.equal(d.code, 'MTLS_SERVER_INTERNAL_ERROR');
      assert.match(d.fixes.join('\n'), /server's log[\s\S]*mtls doctor URL/);
    }
  });

  it('Apache: internal_error for a chain past SSLVerifyDepth (leaf + two intermediates) → CHAIN_TOO_DEEP', async () => {
    assert.equal((await run({ scenario: 'deepChain', how: 'internal_error', accepted: [ROOT] })).code, 'MTLS_CLIENT_CHAIN_TOO_DEEP');
  });

  it('a certificate from an unrelated CA: get one from a CA the server names; never --cacert (case 10)', async () => {
    const d = await run({ scenario: 'otherCa', how: 'unknown_ca' });
    assert.match(d.fixes[0] ?? '', new RegExp(`Use a certificate issued by a CA the server accepts: "${ROOT}"`));
    assert.ok(!d.fixes.some((f) => /--cacert/.test(f)), d.fixes.join('\n'));
  });
});

describe('refusals at the HTTP level', () => {
  async function http(status: number, body: string, c: Case) {
    return diagnoseHttpRejection(status, body, await evidence(c));
  }

  it('optional client auth refused with 403 (nginx optional + return 403, Apache optional + Require), no certificate sent (case 6)', async () => {
    const nginx = await http(403, '<html><head><title>403 Forbidden</title></head><body><center><h1>403 Forbidden</h1></center><hr><center>nginx</center></body></html>', { scenario: null, how: 'close-after' });
    assert.equal(nginx?.diagnosis.code, 'MTLS_CLIENT_CERT_REQUIRED');
    assert.equal(nginx?.certain, false);
    assert.match(nginx?.diagnosis.fixes[0] ?? '', /--cert/);
    // A server that does not ask for a certificate: the 403 is about something else.
    const e = await evidence({ scenario: null, how: 'close-after' });
    e.probe = { ...probe(null), certificateRequested: false };
    assert.equal(diagnoseHttpRejection(403, 'Forbidden', e), null);
  });

  it('Apache over TLS 1.3 asking after the request: 403 "Cannot perform Post-Handshake Authentication"', async () => {
    const d = await http(403, '<title>403 Forbidden</title>\n<p>Cannot perform Post-Handshake Authentication.<br />', { scenario: 'good', how: 'close-after', version: 'TLSv1.3' });
    assert.equal(d?.diagnosis.code, 'MTLS_CLIENT_CERT_POST_HANDSHAKE');
  });

  it('421 Misdirected Request names the SNI / Host mismatch', async () => {
    const d = await http(421, '<title>421 Misdirected Request</title>', { scenario: 'good', how: 'close-after' });
    assert.equal(d?.diagnosis.code, 'MTLS_MISDIRECTED_REQUEST');
  });

  it('nginx 400 "The SSL certificate error" for a chain deeper than ssl_verify_depth', async () => {
    const e = await evidence({ scenario: 'leafWithIntermediate', how: 'close-after', accepted: [ROOT] });
    const [leaf, intermediate] = e.clientChain as [CertificateFacts, CertificateFacts];
    e.clientChain = [leaf, intermediate, { ...intermediate, subject: 'CN=second intermediate', issuer: ROOT }];
    const d = diagnoseHttpRejection(400, '<title>400 The SSL certificate error</title>', e);
    assert.equal(d?.diagnosis.code, 'MTLS_CLIENT_CHAIN_TOO_DEEP');
  });
});

describe('warnings before it breaks', () => {
  const facts = (scenario: ClientScenario) => clientFacts({ chain: pki.clients[scenario].facts, acceptedCas: null, trustedCas: null, nearby: [], files: { cert: null, key: null, ca: null }, now: new Date() });

  it("a client certificate from Let's Encrypt: MTLS_CLIENT_CERT_PUBLIC_CA in request -v and a doctor warning", () => {
    assert.equal(publicCaDiagnosis(facts('publicCa'), new Date('2026-01-01T00:00:00Z'))?.code, 'MTLS_CLIENT_CERT_PUBLIC_CA');
    assert.equal(publicCaDiagnosis(facts('good'), new Date()), null);
    const pem = readFileSync(pki.clients.publicCa.cert);
    const check = publicCaCheck([parseCertificate(Buffer.from(pem.toString().replace(/-----[^-]+-----|\s/g, ''), 'base64'))], new Date('2026-01-01T00:00:00Z'));
    assert.equal(check?.status, 'warn');
    assert.match(check?.summary ?? '', /Let's Encrypt stops issuing/);
  });

  it('clock skew: a server Date header ten minutes off, or a certificate valid for minutes', () => {
    const now = new Date();
    assert.equal(clockSkewDiagnosis('h:1', new Date(now.getTime() + 10 * 60_000).toUTCString(), now, facts('good'))?.code, 'MTLS_CLOCK_SKEW');
    assert.equal(clockSkewDiagnosis('h:1', now.toUTCString(), now, facts('good')), null);
    assert.match(clockSkewDiagnosis('h:1', now.toUTCString(), now, facts('shortLived'))?.summary ?? '', /valid for 11 minutes/);
  });

  it('TLS inspection: an issuer named like an inspection product', () => {
    const leaf = { ...pki.clients.good.facts[0], issuer: 'C=US, O=Zscaler Inc., CN=Zscaler Intermediate Root CA' } as CertificateFacts;
    assert.match(inspectionBy([leaf], true, true) ?? '', /inspection product/);
    assert.equal(inspectionBy(pki.clients.good.facts, true, true), null);
  });
});

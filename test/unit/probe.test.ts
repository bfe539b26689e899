import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseCertificate } from '../../src/core/certificate/parse.js';
import { alertFromErrorCode } from '../../src/tls/alerts.js';
import { clientFacts } from '../../src/tls/diagnosis/facts.js';
import { newConnectionRecord } from '../../src/tls/connector.js';
import { diagnoseFailure } from '../../src/tls/diagnose.js';
import { buildClientHello, probeResultFromFlight, readServerFlight } from '../../src/tls/probe/index.js';
import { readHandshakeMessages, readRecords } from '../../src/tls/probe/records.js';

const capture = (name: string) => Buffer.from(readFileSync(new URL(`../../fixtures/tls/${name}.hex`, import.meta.url), 'utf8').trim(), 'hex');
const withRequest = capture('tls12-flight-with-certificate-request');
const withoutRequest = capture('tls12-flight-without-certificate-request');
const tls13Only = capture('tls13-only-protocol-version-alert');

describe('TLS 1.2 probe: reading a server flight captured from openssl s_server', () => {
  it('reads the chain as sent and the CAs the server accepts', () => {
    const flight = readServerFlight(withRequest);
    assert.equal(flight.status, 'complete');
    if (flight.status !== 'complete') return;
    assert.equal(flight.serverChain.length, 2);
    const [leaf, intermediate] = flight.serverChain.map((der) => parseCertificate(der).facts);
    assert.equal(leaf?.subjectCommonName, 'localhost');
    assert.equal(intermediate?.subject, 'O=mtls tests, CN=mtls test intermediate CA');
    assert.deepEqual(flight.certificateRequest?.certificateAuthorities, ['O=mtls tests, CN=mtls test root CA']);
    // The decoded names compare equal with CertificateFacts names: that is how issuers are matched.
    assert.equal(intermediate?.issuer, flight.certificateRequest?.certificateAuthorities[0]);
    assert.ok(flight.certificateRequest?.certificateTypes.includes('ecdsa_sign'));
    assert.ok(flight.certificateRequest?.signatureAlgorithms.includes('ecdsa_secp256r1_sha256'));
  });

  it('becomes a probe result that says a certificate is requested, and from which CAs', () => {
    const result = probeResultFromFlight(readServerFlight(withRequest));
    assert.equal(result?.outcome, 'tls12');
    assert.equal(result?.certificateRequested, true);
    assert.deepEqual(result?.acceptedCas, ['O=mtls tests, CN=mtls test root CA']);
  });

  it('is incomplete for every prefix of the flight (bytes arrive in pieces)', () => {
    for (let length = 0; length < withRequest.length; length += 37) {
      assert.equal(readServerFlight(withRequest.subarray(0, length)).status, 'incomplete', `prefix of ${length} bytes`);
    }
  });

  it('a server that does not ask for a certificate: requested false, no CA list', () => {
    const result = probeResultFromFlight(readServerFlight(withoutRequest));
    assert.equal(result?.certificateRequested, false);
    assert.equal(result?.acceptedCas, null);
    assert.equal(result?.serverChain.length, 1);
  });

  it('a TLS 1.3-only server: says the list cannot be read, rather than guessing', () => {
    const result = probeResultFromFlight(readServerFlight(tls13Only));
    assert.equal(result?.outcome, 'tls13-only');
    assert.equal(result?.certificateRequested, null);
    assert.equal(result?.acceptedCas, null);
    assert.equal(result?.alert?.name, 'protocol_version');
    assert.match(result?.reason ?? '', /TLS 1\.3/);
  });

  it('an HTTP server answering the hello is not TLS', () => {
    const flight = readServerFlight(Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n'));
    assert.equal(flight.status, 'not-tls');
    assert.equal(probeResultFromFlight(flight)?.outcome, 'not-tls');
  });
});

describe('TLS 1.2 ClientHello', () => {
  it('is one handshake record whose lengths add up', () => {
    const hello = buildClientHello('api.example.test');
    const { records, rest } = readRecords(hello);
    assert.equal(rest.length, 0);
    assert.equal(records.length, 1);
    assert.equal(records[0]?.type, 22);
    const { messages } = readHandshakeMessages(records[0]?.fragment ?? Buffer.alloc(0));
    assert.equal(messages[0]?.type, 1);
    assert.equal(messages[0]?.body.readUInt16BE(0), 0x0303);
    assert.ok(hello.includes(Buffer.from('api.example.test')));
  });

  it('sends no SNI for an IP address (RFC 6066)', () => {
    assert.ok(!buildClientHello('127.0.0.1').includes(Buffer.from('127.0.0.1')));
  });

  it('signals secure renegotiation once, with the renegotiation_info extension and without the SCSV (RFC 5746; wolfSSL refuses both)', () => {
    const hello = buildClientHello('api.example.test');
    const body = readHandshakeMessages(readRecords(hello).records[0]?.fragment ?? Buffer.alloc(0)).messages[0]?.body ?? Buffer.alloc(0);
    // version(2) random(32) session_id(1 + 0), then the cipher suites vector.
    const suitesLength = body.readUInt16BE(35);
    const suites = Array.from({ length: suitesLength / 2 }, (_, i) => body.readUInt16BE(37 + 2 * i));
    assert.ok(!suites.includes(0x00ff), 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV must not be offered');
    let at = 37 + suitesLength;
    at += 1 + (body[at] ?? 0); // compression methods
    const end = at + 2 + body.readUInt16BE(at);
    const extensions: number[] = [];
    for (at += 2; at < end; at += 4 + body.readUInt16BE(at + 2)) extensions.push(body.readUInt16BE(at));
    assert.ok(extensions.includes(0xff01), 'the empty renegotiation_info extension is sent');
  });
});

describe('alerts Node reports as error codes', () => {
  const table: [string, string, number][] = [
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'certificate_required', 116],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'unknown_ca', 48],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'certificate_expired', 45],
    ['ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE', 'unsupported_certificate', 43],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'bad_certificate', 42],
    ['ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', 'handshake_failure', 40],
  ];
  for (const [code, name, number] of table) {
    it(`${code} → ${name} (${number})`, () => assert.deepEqual(alertFromErrorCode(code), { description: number, name }));
  }
  it('other errors are not alerts', () => assert.equal(alertFromErrorCode('ECONNRESET'), null));
});

describe('client certificate evidence and failure wording', () => {
  const flight = readServerFlight(withRequest);
  const leaf = parseCertificate((flight.status === 'complete' ? flight.serverChain[0] : undefined) ?? Buffer.alloc(0)).facts;

  it('anyExtendedKeyUsage alone is not clientAuth: the same rule as chain verification (OpenSSL)', () => {
    const onlyAny = { ...leaf, extendedKeyUsage: ['anyExtendedKeyUsage'], keyUsage: null };
    const facts = (chain: (typeof leaf)[]) => clientFacts({ chain, acceptedCas: null, trustedCas: null, nearby: [], files: { cert: null, key: null, ca: null }, now: new Date() });
    assert.equal(facts([onlyAny])?.notForClientAuth, true);
    const withClientAuth = { ...leaf, extendedKeyUsage: ['clientAuth'], keyUsage: null };
    assert.equal(facts([withClientAuth])?.notForClientAuth, false);
  });

  it('an IPv6 target is written [::1]:PORT', () => {
    const diagnosis = diagnoseFailure({
      error: { code: 'ECONNREFUSED', name: 'Error', message: 'connect ECONNREFUSED ::1:9441' },
      connection: newConnectionRecord(),
      target: { host: '::1', port: 9441 },
      clientChain: [],
      trustedCas: null,
      serverChain: [],
      probe: null,
      maxTimeExceeded: false,
      connectTimeoutMs: null,
      maxTimeMs: null,
      now: new Date(),
    });
    assert.equal(diagnosis.code, 'MTLS_CONNECTION_REFUSED');
    assert.match(diagnosis.summary, /Nothing listens on \[::1\]:9441:/);
    assert.equal(diagnosis.details?.server, '[::1]:9441');
  });
});

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, describe, it } from 'node:test';
import { fetch } from 'undici';
import { createMtlsAgent, MtlsError } from '../../src/index.js';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { issue, makeRequestPki } from './request-pki.js';

/**
 * A server that fails verification never gets the client certificate (as with curl, which
 * verifies inside the handshake). Each server asks for a client certificate and records every
 * one it receives; a relay in front records the bytes the client sent, where a TLS 1.2
 * Certificate message would be in clear.
 */
const pki = makeRequestPki();
const expiredServer = issue(pki.dir, 'expired-server', 'localhost', 'root', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n', -1);
const clientDer = new X509Certificate(readFileSync(pki.goodClient.cert)).raw;

interface RecordingServer {
  port: number;
  /** Subjects of the client certificates that arrived (a completed handshake with one). */
  received: string[];
  /** Everything clients sent, through the relay. */
  bytes: () => Buffer;
}

async function recordingServer(version: 'TLSv1.2' | 'TLSv1.3', cert: string, key: string): Promise<RecordingServer> {
  const received: string[] = [];
  const server = createHttpsServer({ cert: readFileSync(cert), key: readFileSync(key), requestCert: true, rejectUnauthorized: false, minVersion: version, maxVersion: version }, (_req, res) => res.end('ok\n'));
  server.on('secureConnection', (socket: TLSSocket) => {
    const peer = socket.getPeerCertificate();
    if (peer && Object.keys(peer).length > 0) received.push(String(peer.subject.CN ?? '?'));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const relay = createNetServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port: (server.address() as { port: number }).port });
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => chunks.push(chunk));
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const s of sockets) s.destroy();
    relay.close();
    server.closeAllConnections();
    server.close();
  });
  return { port: (relay.address() as { port: number }).port, received, bytes: () => Buffer.concat(chunks) };
}

const [tls12, tls13, tls12Expired, tls12Trusted, tls12Library, tls12Doctor, tls13Doctor] = await Promise.all([
  recordingServer('TLSv1.2', pki.server.cert, pki.server.key),
  recordingServer('TLSv1.3', pki.server.cert, pki.server.key),
  recordingServer('TLSv1.2', expiredServer.cert, expiredServer.key),
  recordingServer('TLSv1.2', pki.server.cert, pki.server.key),
  recordingServer('TLSv1.2', pki.server.cert, pki.server.key),
  recordingServer('TLSv1.2', pki.server.cert, pki.server.key),
  recordingServer('TLSv1.3', pki.server.cert, pki.server.key),
]);
const client = ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key];

/**
 * The largest encrypted record (TLS 1.3 application_data, type 23) the client sent: in TLS 1.3
 * the client's Certificate travels in one, so one at least as large as the certificate may hold it.
 */
function largestEncryptedRecord(bytes: Buffer): number {
  let largest = 0;
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = bytes.readUInt16BE(at + 3);
    if (bytes[at] === 23) largest = Math.max(largest, length);
    at += 5 + length;
  }
  return largest;
}

async function expectWithheld(server: RecordingServer, args: string[], code: string): Promise<void> {
  const result = await runCli(['request', ...args, ...client, '--json']);
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  assert.equal(JSON.parse(result.stdout).diagnosis?.code, code, result.stderr);
  assert.equal(result.code, 1, result.stderr);
  assert.deepEqual(server.received, [], 'the server received the client certificate');
  assert.equal(server.bytes().includes(clientDer), false, 'the client certificate crossed the wire');
  assert.ok(largestEncryptedRecord(server.bytes()) < clientDer.length, 'an encrypted record large enough for the client certificate crossed the wire');
}

describe('mtls request: no client certificate for a server that fails verification', { concurrency: true }, () => {
  it('TLS 1.2, a server from a CA not trusted here → MTLS_SERVER_CERT_UNTRUSTED, certificate never sent', async () => {
    await expectWithheld(tls12, [`https://127.0.0.1:${tls12.port}/`], 'MTLS_SERVER_CERT_UNTRUSTED');
  });

  it('TLS 1.3, the same → MTLS_SERVER_CERT_UNTRUSTED, certificate never sent', async () => {
    await expectWithheld(tls13, [`https://127.0.0.1:${tls13.port}/`], 'MTLS_SERVER_CERT_UNTRUSTED');
  });

  it('TLS 1.2, an expired server certificate → MTLS_SERVER_CERT_EXPIRED, certificate never sent', async () => {
    await expectWithheld(tls12Expired, [`https://127.0.0.1:${tls12Expired.port}/`, '--cacert', pki.rootCa], 'MTLS_SERVER_CERT_EXPIRED');
  });

  it('TLS 1.2, a name the certificate does not list → MTLS_SERVER_NAME_MISMATCH, and -v still shows the chain', async () => {
    const url = `https://wrong-name.test:${tls12.port}/`;
    const before = tls12.bytes().length;
    const result = await runCli(['request', url, '--resolve', `wrong-name.test:${tls12.port}:127.0.0.1`, '--cacert', pki.rootCa, ...client, '-v']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /MTLS_SERVER_NAME_MISMATCH/);
    assert.match(result.stderr, /subject .*CN=localhost/);
    assert.match(result.stderr, /TLSv1\.2/);
    assert.match(result.stderr, /client cert .*not sent: the server failed verification/);
    assert.deepEqual(tls12.received, []);
    assert.equal(tls12.bytes().subarray(before).includes(clientDer), false);
  });

  it('the library (createMtlsAgent) withholds it too, with the same diagnosis', async () => {
    const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key });
    try {
      const error = await fetch(`https://127.0.0.1:${tls12Library.port}/`, { dispatcher: agent }).then(() => null, (e: unknown) => e);
      const cause = (error as { cause?: unknown } | null)?.cause ?? error;
      assert.ok(cause instanceof MtlsError, String(error));
      assert.equal(cause.code, 'MTLS_SERVER_CERT_UNTRUSTED');
    } finally {
      await agent.close();
    }
    assert.deepEqual(tls12Library.received, []);
    assert.equal(tls12Library.bytes().includes(clientDer), false);
  });

  for (const [version, server] of [['1.2', tls12Doctor], ['1.3', tls13Doctor]] as const) {
    it(`mtls doctor URL (TLS ${version}): its version checks and its request withhold the certificate from an untrusted server`, async () => {
      const result = await runCli(['doctor', `https://127.0.0.1:${server.port}/`, ...client, '--json']);
      assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stdout, /MTLS_SERVER_CERT_UNTRUSTED/);
      assert.deepEqual(server.received, [], 'the server received the client certificate');
      assert.equal(server.bytes().includes(clientDer), false, 'the client certificate crossed the wire');
      assert.ok(largestEncryptedRecord(server.bytes()) < clientDer.length, 'an encrypted record large enough for the client certificate crossed the wire');
    });
  }

  it('control: a trusted server gets the certificate (the recorders see it)', async () => {
    const server = tls12Trusted;
    const result = await runCli(['request', `https://127.0.0.1:${server.port}/`, '--cacert', pki.rootCa, ...client]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(server.received, ['good client']);
    assert.equal(server.bytes().includes(clientDer), true);
  });
});

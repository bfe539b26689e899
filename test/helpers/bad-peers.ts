import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { generateKey } from '../../src/core/pki/keys.js';
import { buildCertificate, subjectName } from '../../src/core/pki/certificate.js';
import { toPem } from '../../src/core/load/pem.js';
import { u16, u24 } from '../../src/tls/probe/client-hello.js';
import { CONTENT_HANDSHAKE, HANDSHAKE } from '../../src/tls/probe/records.js';
import type { ParsedCertificate } from '../../src/core/certificate/parse.js';
import { freePort, tempDir } from './tmp.js';

/**
 * Deliberately broken peers on 127.0.0.1, for fault-injection tests of everything that connects
 * (request, doctor, inspect/expiry of endpoints, the library). Raw node:net sockets where the
 * peer must misbehave below TLS; a real node:tls server where it must complete a handshake.
 */
export type BadPeerKind =
  /** Nothing listens on the port. */
  | 'refuse'
  /** Accepts TCP and never sends a byte. */
  | 'silent'
  /** Accepts TCP and closes at once. */
  | 'close-at-once'
  /** Answers the ClientHello with random bytes that cannot start a TLS record, then stays open. */
  | 'garbage'
  /** Answers the ClientHello with half of a ServerHello record, then stalls. */
  | 'stall-mid-handshake'
  /** A real TLS server whose chain is about 1 MB (the leaf, then 250 copies of a large certificate). */
  | 'huge-chain'
  /** A real TLS server with a linked chain 200 intermediates deep (about 80 KB: small enough for a TLS client to accept). */
  | 'long-chain'
  /** A ServerHello, then a Certificate message claiming 16 MB, dribbled a few bytes at a time, forever. */
  | 'endless-chain'
  /** Like endless-chain, but the Certificate message claims 100 000 bytes: under OpenSSL's 100 KiB limit, so a client keeps waiting. */
  | 'dribble-chain'
  /** A plain HTTP server: answers the TLS hello with an HTTP 400 page. */
  | 'plain-http'
  /** A real TLS server that completes the handshake and never answers the request. */
  | 'tls-no-response'
  /** A real TLS server that answers with a status line, then header lines forever. */
  | 'endless-header'
  /** A real TLS server that answers 200 with a body that never ends, sent as fast as the client reads. */
  | 'endless-body';

export interface BadPeer {
  port: number;
  url: string;
  /** For peers that are real TLS servers: the CA file that issued their certificate (so a client can verify them). */
  caFile?: string;
  stop(): Promise<void>;
}

export const BAD_PEER_KINDS: readonly BadPeerKind[] = ['refuse', 'silent', 'close-at-once', 'garbage', 'stall-mid-handshake', 'huge-chain', 'long-chain', 'endless-chain', 'dribble-chain', 'plain-http', 'tls-no-response', 'endless-header', 'endless-body'];

export interface BadPeerOptions {
  /**
   * For the peers that never stop sending (endless-chain, dribble-chain, endless-header,
   * endless-body): 'flood' sends as fast as the client reads instead of a little at a time,
   * to prove that what a client holds stays bounded.
   */
  pace?: 'dribble' | 'flood';
}

/** Starts a bad peer; it is stopped by `stop()` or when the test file ends. */
export async function startBadPeer(kind: BadPeerKind, options: BadPeerOptions = {}): Promise<BadPeer> {
  const pace = options.pace ?? 'dribble';
  if (kind === 'refuse') {
    const port = await freePort();
    return { port, url: urlOf(port), stop: async () => undefined };
  }
  switch (kind) {
    case 'silent':
      return listenRaw(() => undefined);
    case 'close-at-once':
      return listenRaw((socket) => socket.destroy());
    case 'garbage':
      return listenRaw(onFirstData((socket) => socket.write(garbage(4096))));
    case 'stall-mid-handshake':
      return listenRaw(onFirstData((socket, hello) => socket.write(halfServerHelloRecord(hello))));
    case 'endless-chain':
      return listenRaw(onFirstData((socket, hello, timers) => send(socket, timers, pace, certificateStream(hello, 0xffffff))));
    case 'dribble-chain':
      return listenRaw(onFirstData((socket, hello, timers) => send(socket, timers, pace, certificateStream(hello, 100_000))));
    case 'plain-http':
      return track(createHttpServer((_request, response) => response.end('plain http\n')));
    case 'huge-chain':
      return tlsPeer(await hugeChainCredentials(), (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'));
    case 'long-chain':
      return tlsPeer(await longChainCredentials(), (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n'));
    case 'tls-no-response':
      return tlsPeer(await plainTlsCredentials(), () => undefined);
    case 'endless-header':
      return tlsPeer(await plainTlsCredentials(), (socket, timers) => {
        socket.write('HTTP/1.1 200 OK\r\n');
        send(socket, timers, pace, () => Buffer.from(`X-Filler: ${'a'.repeat(1000)}\r\n`));
      });
    case 'endless-body':
      return tlsPeer(await plainTlsCredentials(), (socket, timers) => {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n');
        const chunk = Buffer.from(`4000\r\n${'x'.repeat(0x4000)}\r\n`);
        send(socket, timers, pace, () => chunk);
      });
  }
}

function urlOf(port: number): string {
  return `https://127.0.0.1:${port}/`;
}

type Timers = Set<NodeJS.Timeout>;

const DRIBBLE_EVERY_MS = 20;

/**
 * Sends `next()` for as long as the socket is open: one piece every few milliseconds, or
 * ('flood') as fast as the client reads.
 */
function send(socket: Socket, timers: Timers, pace: 'dribble' | 'flood', next: () => Buffer): void {
  if (pace === 'flood') {
    const fill = () => {
      while (!socket.destroyed && socket.write(next()));
    };
    socket.on('drain', fill);
    return fill();
  }
  const timer = setInterval(() => socket.write(next()), DRIBBLE_EVERY_MS);
  timers.add(timer);
  socket.once('close', () => {
    clearInterval(timer);
    timers.delete(timer);
  });
}

/**
 * Listens on 127.0.0.1:0 and tracks every connection; stop() clears the peer's timers, destroys
 * the connections, then closes the server.
 */
async function track(server: Server, timers: Timers = new Set(), caFile?: string): Promise<BadPeer> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // A client hanging up on a bad peer is the expected end of every test here.
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  let stopped: Promise<void> | null = null;
  const stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearInterval(timer);
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }));
  after(stop);
  return { port, url: urlOf(port), ...(caFile ? { caFile } : {}), stop };
}

function listenRaw(onConnection: (socket: Socket, timers: Timers) => void): Promise<BadPeer> {
  const timers: Timers = new Set();
  return track(createNetServer((socket) => onConnection(socket, timers)), timers);
}

/** Waits for the client's first bytes (its ClientHello) before misbehaving, as a real server would. */
function onFirstData(answer: (socket: Socket, hello: Buffer, timers: Timers) => void): (socket: Socket, timers: Timers) => void {
  return (socket, timers) => socket.once('data', (hello: Buffer) => answer(socket, hello, timers));
}

/** Random bytes whose first byte is no TLS content type (20–24), so they cannot pass for a record. */
function garbage(length: number): Buffer {
  const bytes = randomBytes(length);
  bytes[0] = 0x7f;
  return bytes;
}

/** The first TLS 1.2 suite the client offers (not a TLS 1.3 suite, not a signalling value). */
function chosenSuite(clientHello: Buffer): number {
  try {
    let at = 5 + 4 + 2 + 32; // record header, handshake header, version, random
    at += 1 + (clientHello[at] as number); // session id
    const length = clientHello.readUInt16BE(at);
    for (let i = at + 2; i < at + 2 + length; i += 2) {
      const suite = clientHello.readUInt16BE(i);
      if (suite >> 8 !== 0x13 && suite !== 0x00ff && suite !== 0x5600) return suite;
    }
  } catch {
    // A hello too short to read: answer with the suite every client of the last decade offers.
  }
  return 0xc02f;
}

/**
 * A TLS 1.2 ServerHello: empty session id (so no resumption is implied), the client's first
 * TLS 1.2 suite, and an empty renegotiation_info (OpenSSL 3 clients refuse servers without it).
 */
function serverHello(clientHello: Buffer): Buffer {
  const extensions = Buffer.concat([u16(0xff01), u16(1), Buffer.from([0])]);
  const body = Buffer.concat([u16(0x0303), randomBytes(32), Buffer.from([0]), u16(chosenSuite(clientHello)), Buffer.from([0]), u16(extensions.length), extensions]);
  return Buffer.concat([Buffer.from([HANDSHAKE.serverHello]), u24(body.length), body]);
}

function record(fragment: Buffer): Buffer {
  return Buffer.concat([Buffer.from([CONTENT_HANDSHAKE, 3, 3]), u16(fragment.length), fragment]);
}

/** A handshake record whose header promises the whole ServerHello, followed by only half of it. */
function halfServerHelloRecord(clientHello: Buffer): Buffer {
  const whole = record(serverHello(clientHello));
  return whole.subarray(0, 5 + Math.floor((whole.length - 5) / 2));
}

const RECORD_PAYLOAD = 16384;
const PIECE_BYTES = 256;

/**
 * A ServerHello, then a Certificate message whose header claims `claimedLength` bytes, in
 * pieces that never complete it: valid full-size handshake records of filler certificates.
 */
function certificateStream(clientHello: Buffer, claimedLength: number): () => Buffer {
  const entry = Buffer.concat([u24(1000), Buffer.alloc(1000, 0x30)]);
  // The claim travels in a record of its own, so a client sees it at once; the filler never ends.
  let opening: Buffer | null = record(Buffer.concat([serverHello(clientHello), Buffer.from([HANDSHAKE.certificate]), u24(claimedLength), u24(claimedLength - 3)]));
  let pending = Buffer.alloc(0);
  let leftInRecord = 0;
  return () => {
    if (opening) {
      const first = opening;
      opening = null;
      return first;
    }
    while (pending.length < PIECE_BYTES) pending = Buffer.concat([pending, entry]);
    const parts: Buffer[] = [];
    let budget = PIECE_BYTES;
    while (budget > 0) {
      if (leftInRecord === 0) {
        parts.push(Buffer.from([CONTENT_HANDSHAKE, 3, 3]), u16(RECORD_PAYLOAD));
        leftInRecord = RECORD_PAYLOAD;
      }
      const take = Math.min(budget, leftInRecord);
      parts.push(pending.subarray(0, take));
      pending = pending.subarray(take);
      leftInRecord -= take;
      budget -= take;
    }
    return Buffer.concat(parts);
  };
}

interface TlsCredentials {
  certPem: string;
  keyPem: string;
  caFile: string;
}

function tlsPeer(credentials: TlsCredentials, onRequest: (socket: Socket, timers: Timers) => void): Promise<BadPeer> {
  const timers: Timers = new Set();
  const server = createTlsServer({ cert: credentials.certPem, key: credentials.keyPem }, (socket) => {
    socket.on('error', () => undefined);
    // Misbehave once the request's first bytes arrive: the client is past its handshake by then.
    socket.once('data', () => onRequest(socket, timers));
  });
  return track(server, timers, credentials.caFile);
}

const NOW = new Date();
const LATER = new Date(NOW.getTime() + 86_400_000);
const EARLIER = new Date(NOW.getTime() - 3_600_000);

async function issue(profile: 'root' | 'intermediate' | 'server', commonName: string, issuer: { certificate: ParsedCertificate; key: Awaited<ReturnType<typeof generateKey>> } | null, sans: string[] = []) {
  const key = await generateKey('ec-p256');
  const certificate = await buildCertificate({
    profile,
    subject: subjectName({ commonName }),
    subjectKey: key,
    sans: sans.map((value) => ({ type: /^\d/.test(value) ? 'IP' : 'DNS', value })),
    notBefore: EARLIER,
    notAfter: LATER,
    ...(issuer ? { issuer } : {}),
  });
  return { certificate, key };
}

function pem(certificates: ParsedCertificate[]): string {
  return certificates.map((c) => toPem('CERTIFICATE', c.der)).join('');
}

async function credentialsFrom(root: ParsedCertificate, leafKey: Awaited<ReturnType<typeof generateKey>>, chain: ParsedCertificate[]): Promise<TlsCredentials> {
  const caFile = join(tempDir('mtls-bad-peer-'), 'ca.crt');
  writeFileSync(caFile, pem([root]));
  return { certPem: pem(chain), keyPem: leafKey.export({ type: 'pkcs8', format: 'pem' }).toString(), caFile };
}

let plainCredentials: Promise<TlsCredentials> | null = null;

/** A root and a server certificate for 127.0.0.1, made once per test file. */
function plainTlsCredentials(): Promise<TlsCredentials> {
  plainCredentials ??= (async () => {
    const root = await issue('root', 'bad peer root', null);
    const leaf = await issue('server', 'bad peer', root, ['127.0.0.1']);
    return credentialsFrom(root.certificate, leaf.key, [leaf.certificate]);
  })();
  return plainCredentials;
}

/** The leaf, then 250 copies of a certificate with 200 names in it (about 4 KB each): about 1 MB. */
async function hugeChainCredentials(): Promise<TlsCredentials> {
  const root = await issue('root', 'huge chain root', null);
  const leaf = await issue('server', 'huge chain', root, ['127.0.0.1']);
  const filler = await issue('server', 'filler', root, Array.from({ length: 200 }, (_, i) => `filler-${i}.huge-chain.invalid`));
  return credentialsFrom(root.certificate, leaf.key, [leaf.certificate, ...Array.from({ length: 250 }, () => filler.certificate)]);
}

/** root → 200 intermediates, each signed by the one before → the leaf; sent leaf first. */
async function longChainCredentials(): Promise<TlsCredentials> {
  const root = await issue('root', 'long chain root', null);
  let issuer = root;
  const intermediates: ParsedCertificate[] = [];
  for (let i = 1; i <= 200; i++) {
    issuer = await issue('intermediate', `i${i}`, issuer);
    intermediates.unshift(issuer.certificate);
  }
  const leaf = await issue('server', 'long chain', issuer, ['127.0.0.1']);
  return credentialsFrom(root.certificate, leaf.key, [leaf.certificate, ...intermediates]);
}

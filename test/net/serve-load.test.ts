import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe, type ServeProcess } from './serve-helpers.js';

/**
 * `mtls serve` under load on loopback: rounds of 200 concurrent clients, each on a fresh TLS
 * connection with a client certificate, all answered 200 with their identity; a burst of 200
 * clients without one, all refused cleanly (496) without disturbing the server; no error in its
 * log; its memory flat from round to round.
 */
const CLIENTS = 200;
const ROUNDS = 5;

interface Answer {
  status: number;
  subject: string | null;
}

/** One request on its own connection (agent: false), so every client pays a full handshake. */
function get(port: number, ca: Buffer, identity: { cert: Buffer; key: Buffer } | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', agent: false, ca, ...(identity ?? {}), timeout: 20_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        const subject = response.statusCode === 200 ? (JSON.parse(body) as { certificate: { subject: string } }).certificate.subject : null;
        resolve({ status: response.statusCode ?? 0, subject });
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end();
  });
}

function burst(port: number, ca: Buffer, identity: { cert: Buffer; key: Buffer } | null): Promise<Answer[]> {
  return Promise.all(Array.from({ length: CLIENTS }, () => get(port, ca, identity)));
}

/** The serve process is this process's child running `bin/mtls.js serve`: its pid, from /proc. */
function servePid(): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('\0serve\0')) return Number(name);
    } catch {
      // A process that ended while we looked.
    }
  }
  throw new Error('the serve process was not found');
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

function events(server: ServeProcess): { event: string; code?: string }[] {
  return server
    .stdout()
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { event: string; code?: string });
}

test(`mtls serve under load: ${ROUNDS} rounds of ${CLIENTS} concurrent clients with certificates, a burst without, memory flat`, { timeout: 60_000 }, async (t) => {
  const started = performance.now();
  const pki = await createDemoPki(tempDir('mtls-serve-load-'), new Date());
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--json']);
  const pid = servePid();
  const ca = readFileSync(pki.ca);
  const alice = { cert: readFileSync(pki.client.cert), key: readFileSync(pki.client.key) };

  const rss: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const answers = await burst(server.port, ca, alice);
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.subject}`)), new Set(['200 CN=alice']), `round ${round}`);
    rss.push(rssMb(pid));
    if (round === 1) {
      // Between rounds, 200 clients without a certificate: each refused with 496 and the reason.
      const refused = await burst(server.port, ca, null);
      assert.deepEqual(new Set(refused.map((a) => a.status)), new Set([496]));
    }
  }
  const elapsedMs = performance.now() - started;
  t.diagnostic(`VmRSS after each round (MB): ${rss.map((m) => Math.round(m)).join(', ')}; ${Math.round(elapsedMs)} ms in all`);

  await server.waitFor(() => events(server).filter((e) => e.event === 'request').length === ROUNDS * CLIENTS, 'a request event per client');
  const log = events(server);
  assert.equal(log.filter((e) => e.event === 'refused' && e.code === 'MTLS_SERVE_NO_CLIENT_CERT').length, CLIENTS);
  assert.deepEqual(log.filter((e) => !['listening', 'request', 'refused'].includes(e.event)), [], 'no handshake failures or other errors');
  assert.equal(server.stderr(), '', 'nothing on stderr');
  // Memory settles after the first rounds; a leak grows with every one.
  const first = rss[1] as number;
  const last = rss.at(-1) as number;
  assert.ok(last <= first * 1.5 + 20, `VmRSS grew from ${Math.round(first)} MB to ${Math.round(last)} MB`);
  assert.ok(elapsedMs < 45_000, `took ${Math.round(elapsedMs)} ms`); // a hang guard, not a speed claim

  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

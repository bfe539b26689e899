import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, test } from 'node:test';
import { EventSource } from 'undici';
import { createMtlsAgent } from '../../src/index.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();
// A server-sent-events stream behind mTLS (Node's https server requires a certificate from the test root).
const server = createServer(
  { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key), ca: readFileSync(pki.rootCa), requestCert: true, rejectUnauthorized: true },
  (request, response) => {
    const subject = String((request.socket as TLSSocket).getPeerCertificate().subject?.CN ?? 'nobody');
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    response.write(`data: hello ${subject}\n\n`);
  },
);
server.on('tlsClientError', () => undefined);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => {
  server.closeAllConnections();
  server.close();
});

test("undici's EventSource takes the agent: the stream opens with the client certificate", async () => {
  const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.rootCa });
  const source = new EventSource(`https://127.0.0.1:${(server.address() as AddressInfo).port}/events`, { node: { dispatcher: agent } });
  const message = await new Promise<string>((resolve, reject) => {
    source.onmessage = (event) => resolve(String(event.data));
    source.onerror = () => reject(new Error('the event stream failed'));
  });
  source.close();
  assert.equal(message, 'hello good client');
  await agent.destroy();
});

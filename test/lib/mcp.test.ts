import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { createMtlsAgent, MtlsError } from '../../src/index.js';
import { makeRequestPki } from '../net/request-pki.js';

const pki = makeRequestPki();

/**
 * A remote MCP server behind mTLS: Node's https server requires a client certificate from the
 * test root CA (TLS 1.3, so a missing one is refused after the client's handshake), and serves
 * MCP over Streamable HTTP (stateless), with a tool that names the client certificate.
 */
async function startMcpServer(): Promise<{ url: URL; server: Server }> {
  const server = createServer(
    { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key), ca: readFileSync(pki.rootCa), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
    (request, response) => {
      const mcp = new McpServer({ name: 'mtls-test-server', version: '1.0.0' });
      const subject = String((request.socket as TLSSocket).getPeerCertificate().subject?.CN ?? 'nobody');
      mcp.registerTool('whoami', { description: 'The common name of the client certificate' }, async () => ({ content: [{ type: 'text', text: subject }] }));
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
      response.on('close', () => {
        void transport.close();
        void mcp.close();
      });
      mcp.connect(transport).then(() => transport.handleRequest(request, response)).catch(() => response.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`), server };
}

function findMtlsError(error: unknown): MtlsError | null {
  for (let e = error; e; e = (e as { cause?: unknown }).cause) if (e instanceof MtlsError) return e;
  return null;
}

const { url, server } = await startMcpServer();

test('the MCP SDK client lists and calls the tools of a server behind mTLS, through createMtlsAgent', async () => {
  const agent = createMtlsAgent({ cert: pki.goodClient.cert, key: pki.goodClient.key, ca: pki.rootCa });
  const client = new Client({ name: 'mtls-test-client', version: '1.0.0' });
  // Only the dispatcher is ours: the SDK's own fetch (Node's global fetch) carries it. (The cast:
  // the global RequestInit types its dispatcher with Node's bundled undici; agent.fetch avoids it.)
  await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { dispatcher: agent } as unknown as RequestInit }));
  const { tools } = await client.listTools();
  assert.deepEqual(tools.map((t) => t.name), ['whoami']);
  const answer = await client.callTool({ name: 'whoami', arguments: {} });
  assert.deepEqual(answer.content, [{ type: 'text', text: 'good client' }]);
  await client.close();
  await agent.close();
});

test('without a client certificate the MCP client fails with MTLS_CLIENT_CERT_REQUIRED', async () => {
  const agent = createMtlsAgent({ ca: pki.rootCa });
  const client = new Client({ name: 'mtls-test-client', version: '1.0.0' });
  await assert.rejects(client.connect(new StreamableHTTPClientTransport(url, { fetch: agent.fetch })), (error: unknown) => {
    const diagnosis = findMtlsError(error);
    assert.ok(diagnosis, `no MtlsError in the chain of ${String(error)}`);
    assert.equal(diagnosis.code, 'MTLS_CLIENT_CERT_REQUIRED');
    return true;
  });
  await agent.close();
  assert.ok(server.listening);
});

import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/**
 * What an app like OpenCode talks to, behind mTLS on 127.0.0.1: an OpenAI-compatible API (JSON,
 * streaming, multipart uploads) and an MCP server (Streamable HTTP and the legacy SSE transport),
 * on Node's https server, which requires a client certificate from `clientCa` (TLS 1.3: a
 * missing one gets the certificate_required alert; a refused one is closed without an alert).
 * Every answer names the client certificate's CN, so a test sees who was connected.
 */
export async function startAppServer(files: { cert: string; key: string; clientCa: string }): Promise<{ url: string; close(): Promise<void> }> {
  const sse = new Map<string, SSEServerTransport>();
  const server: Server = createServer(
    { cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.clientCa), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' },
    (request, response) => {
      const cn = String((request.socket as TLSSocket).getPeerCertificate().subject?.CN ?? 'nobody');
      route(request, response, cn, sse).catch(() => response.destroy());
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      for (const transport of sse.values()) void transport.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function mcpServer(cn: string): McpServer {
  const mcp = new McpServer({ name: 'mtls-matrix', version: '1.0.0' });
  mcp.registerTool('whoami', { description: 'The common name of the client certificate' }, async () => ({ content: [{ type: 'text', text: cn }] }));
  return mcp;
}

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** The text of a multipart upload's file parts: what a test checks arrived whole. */
function uploadedText(contentType: string | undefined, raw: Buffer): string | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? '');
  if (!contentType?.startsWith('multipart/form-data') || !boundary) return null;
  const parts = raw.toString('latin1').split(`--${boundary[1] ?? boundary[2]}`);
  const file = parts.find((part) => /filename="/.test(part));
  return file ? file.slice(file.indexOf('\r\n\r\n') + 4).replace(/\r\n$/, '') : null;
}

async function route(request: IncomingMessage, response: ServerResponse, cn: string, sse: Map<string, SSEServerTransport>): Promise<void> {
  const url = new URL(request.url ?? '/', 'https://127.0.0.1');
  if (url.pathname === '/mcp') {
    const mcp = mcpServer(cn);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on('close', () => {
      void transport.close();
      void mcp.close();
    });
    await mcp.connect(transport);
    await transport.handleRequest(request, response);
    return;
  }
  if (url.pathname === '/sse' && request.method === 'GET') {
    const transport = new SSEServerTransport('/messages', response);
    sse.set(transport.sessionId, transport);
    response.on('close', () => sse.delete(transport.sessionId));
    await mcpServer(cn).connect(transport);
    return;
  }
  if (url.pathname === '/messages') {
    const transport = sse.get(url.searchParams.get('sessionId') ?? '');
    if (!transport) return json(response, 404, { error: 'no session' });
    await transport.handlePostMessage(request, response);
    return;
  }
  const raw = await body(request);
  if (url.pathname === '/v1/chat/completions') {
    const input = JSON.parse(raw.toString('utf8')) as { model: string; stream?: boolean; messages: { content: string }[] };
    const text = `hello ${cn}`;
    if (!input.stream) {
      return json(response, 200, {
        id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: input.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      });
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const words = text.split(' ');
    const delay = Number(url.searchParams.get('delayMs') ?? request.headers['x-delay-ms'] ?? 0);
    for (const [index, word] of words.entries()) {
      const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: input.model, choices: [{ index: 0, delta: { ...(index === 0 ? { role: 'assistant' } : {}), content: index === 0 ? word : ` ${word}` }, finish_reason: null }] };
      response.write(`data: ${JSON.stringify(chunk)}\n\n`);
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    }
    response.write(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: input.model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
    response.end('data: [DONE]\n\n');
    return;
  }
  if (url.pathname === '/v1/audio/transcriptions') {
    const text = uploadedText(request.headers['content-type'], raw);
    if (text === null) return json(response, 400, { error: { message: `expected a multipart upload, got ${request.headers['content-type']}: ${raw.subarray(0, 40).toString()}` } });
    return json(response, 200, { text: `${cn} heard ${text}`, language: 'english', duration: 1, segments: [] });
  }
  if (url.pathname === '/v1/files') {
    const text = uploadedText(request.headers['content-type'], raw);
    if (text === null) return json(response, 400, { error: { message: `expected a multipart upload, got ${request.headers['content-type']}` } });
    return json(response, 200, { id: 'file-1', object: 'file', bytes: text.length, created_at: 1, filename: `${cn}: ${text}`, purpose: 'assistants', status: 'processed' });
  }
  if (url.pathname === '/whoami') return json(response, 200, { cn, method: request.method, upload: uploadedText(request.headers['content-type'], raw), body: raw.toString('utf8').slice(0, 100) });
  json(response, 404, { error: { message: `no route ${url.pathname}` } });
}

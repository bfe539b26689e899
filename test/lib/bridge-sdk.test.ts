import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import OpenAI, { toFile } from 'openai';
import { spawnBridge } from '../net/bridge-helpers.js';
import { makeRequestPki } from '../net/request-pki.js';
import { startAppServer } from './matrix/server.js';

/**
 * The SDKs that have no place for a client certificate, pointed at `mtls bridge` with nothing but
 * the URLs it printed: the openai SDK (JSON, streaming, multipart upload) and the MCP SDK
 * (Streamable HTTP, and the legacy SSE transport), against an OpenAI-compatible API and MCP server
 * on Node's https that requires the client certificate (TLS 1.3).
 */
const pki = makeRequestPki();
const app = await startAppServer({ cert: pki.server.cert, key: pki.server.key, clientCa: pki.rootCa });
after(() => app.close());
const bridge = await spawnBridge(['--route', `/openai=${app.url}/v1`, '--route', `/mcp=${app.url}/mcp`, '--to', app.url, '--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa]);
after(() => bridge.signal('SIGTERM'));

function pasted(name: string): string {
  const line = bridge.lines.find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `${name} is not among the lines the bridge printed: ${bridge.lines.join(' | ')}`);
  return line.slice(name.length + 1);
}

const openai = new OpenAI({ baseURL: pasted('OPENAI_BASE_URL'), apiKey: 'test-key', maxRetries: 0 });

test('openai SDK through the bridge: a chat completion (JSON)', async () => {
  const completion = await openai.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(completion.choices[0]?.message.content, 'hello good client');
});

test('openai SDK through the bridge: a streamed chat completion arrives chunk by chunk', async () => {
  const stream = await openai.chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-delay-ms': '50' } });
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk.choices[0]?.delta.content ?? '');
  assert.equal(chunks.join(''), 'hello good client');
  assert.ok(chunks.filter(Boolean).length >= 3, 'the words came as separate events');
});

test('openai SDK through the bridge: a multipart upload (transcription and file)', async () => {
  const heard = await openai.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.from('spoken words'), 'clip.wav') });
  assert.equal(heard.text, 'good client heard spoken words');
  const file = await openai.files.create({ purpose: 'assistants', file: await toFile(Buffer.from('file body'), 'notes.txt') });
  assert.equal(file.filename, 'good client: file body');
});

async function whoami(transport: StreamableHTTPClientTransport | SSEClientTransport): Promise<unknown> {
  const client = new Client({ name: 'bridge-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    return (await client.callTool({ name: 'whoami', arguments: {} })).content;
  } finally {
    await client.close();
  }
}

test('MCP SDK through the bridge: Streamable HTTP at the printed MCP URL', async () => {
  assert.deepEqual(await whoami(new StreamableHTTPClientTransport(new URL(pasted('MCP_SERVER_URL')))), [{ type: 'text', text: 'good client' }]);
});

test('MCP SDK through the bridge: the legacy SSE transport, with the token as a header (its POST endpoint is an absolute path)', async () => {
  const transport = new SSEClientTransport(new URL(`${bridge.origin}/sse`), { requestInit: { headers: { 'x-mtls-bridge-token': bridge.token } } });
  assert.deepEqual(await whoami(transport), [{ type: 'text', text: 'good client' }]);
});

test('an SDK without the token gets 403, and the openai SDK surfaces the code', async () => {
  const tokenless = new OpenAI({ baseURL: `${bridge.origin}/openai`, apiKey: 'test-key', maxRetries: 0 });
  await assert.rejects(tokenless.chat.completions.create({ model: 'gpt-test', messages: [] }), (error: { status?: number; error?: { code?: string } }) => {
    assert.equal(error.status, 403);
    assert.equal(error.error?.code, 'MTLS_BRIDGE_TOKEN_REQUIRED');
    return true;
  });
});

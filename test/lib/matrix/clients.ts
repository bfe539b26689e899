/**
 * The client side of the SDK × transport × runtime matrix, run as its own process under Node
 * (through tsx) and under Bun, with the same code: every cell uses a real SDK the way
 * docs/library.md shows, against the servers test/lib/sdk-matrix.test.ts started. Prints one JSON
 * line per cell: { cell, outcome } where outcome is "ok", an MtlsError code, or what went wrong.
 */
import { copyFileSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inspect } from 'node:util';
import { createOpenAI } from '@ai-sdk/openai';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { generateText, streamText, transcribe } from 'ai';
import axios from 'axios';
import OpenAI, { toFile } from 'openai';
import { createMtlsAgent, createMtlsHttpsAgent, currentRuntime, findMtlsError, installMtls, type MtlsAgentOptions } from '../../../src/index.js';

interface Input {
  url: string;
  workDir: string;
  rootCa: string;
  good: { cert: string; key: string };
  rotated: { cert: string; key: string };
  otherCa: { cert: string; key: string };
  expired: { cert: string; key: string };
  encryptedKey: string;
  passphrase: string;
  only?: string[];
}

const input = JSON.parse(process.env.MATRIX_INPUT ?? '{}') as Input;
const runtime = currentRuntime();
const base = input.url;
const good: MtlsAgentOptions = { cert: input.good.cert, key: input.good.key, ca: input.rootCa };
const keyText = readFileSync(input.good.key, 'utf8').split('\n')[1] ?? '';
const WRONG_PASSPHRASE = 'not the passphrase';

let last = performance.now();
function report(cell: string, outcome: string): void {
  const now = performance.now();
  process.stdout.write(`${JSON.stringify({ cell, outcome, ms: Math.round(now - last) })}\n`);
  last = now;
}

function expect(actual: unknown, expected: RegExp | string, what: string): void {
  const text = typeof actual === 'string' ? actual : JSON.stringify(actual);
  if (typeof expected === 'string' ? text !== expected : !expected.test(text)) throw new Error(`${what}: got ${text.slice(0, 200)}`);
}

async function cell(name: string, run: () => Promise<void>): Promise<void> {
  if (input.only && !input.only.some((prefix) => name.startsWith(prefix))) return;
  try {
    await run();
    report(name, 'ok');
  } catch (error) {
    report(name, `failed: ${(error as Error)?.message ?? String(error)}`.slice(0, 400));
  }
}

/** A failure cell: the MtlsError's code, found by findMtlsError however the SDK wrapped it, and proof that it leaks nothing. */
async function failure(name: string, run: () => Promise<unknown>): Promise<void> {
  if (input.only && !input.only.some((prefix) => name.startsWith(prefix))) return;
  try {
    await run();
    report(name, 'no error');
  } catch (error) {
    const found = findMtlsError(error);
    const shown = `${inspect(error, { depth: 12 })} ${JSON.stringify(found?.toDiagnosis() ?? null)} ${found?.message ?? ''}`;
    const words = found ? JSON.stringify({ message: found.message, fix: found.fix, diagnosis: found.toDiagnosis() }) : '';
    if ([input.passphrase, WRONG_PASSPHRASE, keyText].some((secret) => secret && shown.includes(secret))) report(name, 'leaked a secret');
    else if ([input.workDir, dirname(input.rootCa)].some((dir) => shown.includes(dir))) report(name, `a full path in the error: ${shown.slice(0, 300)}`);
    else if (/--(cert|key|cacert|ca|pass|servername|insecure|connect-timeout)\b/.test(words)) report(name, `a CLI flag in a library error: ${words.slice(0, 300)}`);
    else report(name, found ? found.code : `no MtlsError: ${String((error as Error)?.message ?? error).slice(0, 200)}`);
  }
}

async function text(response: Response): Promise<string> {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.text();
}

function openaiClient(fetch?: typeof globalThis.fetch): OpenAI {
  return new OpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', maxRetries: 0, ...(fetch ? { fetch } : {}) });
}

async function mcpWhoami(transport: StreamableHTTPClientTransport | SSEClientTransport): Promise<string> {
  const client = new Client({ name: 'matrix', version: '1.0.0' });
  try {
    await client.connect(transport);
  } catch (error) {
    // A failed connect leaves the SSE transport's EventSource reconnecting: close it.
    await transport.close();
    throw error;
  }
  try {
    const answer = await client.callTool({ name: 'whoami', arguments: {} });
    return (answer.content as { text: string }[])[0]?.text ?? '';
  } finally {
    await client.close();
  }
}

// ---- success: each SDK and transport, with the good client certificate ----
const agent = createMtlsAgent(good);
await cell('fetch json', async () => expect(JSON.parse(await text(await agent.fetch(`${base}/whoami`))).cn, 'good client', 'cn'));
await cell('fetch FormData upload', async () => {
  const form = new FormData();
  form.append('file', new Blob(['audio bytes']), 'clip.wav');
  expect(JSON.parse(await text(await agent.fetch(`${base}/whoami`, { method: 'POST', body: form }))).upload, 'audio bytes', 'upload');
});
await cell('fetch Request input', async () => {
  const request = new Request(`${base}/whoami`, { method: 'POST', body: 'from a Request', headers: { 'content-type': 'text/plain' } });
  expect(JSON.parse(await text(await agent.fetch(request))).body, 'from a Request', 'body');
});
await cell('fetch streaming body', async () => {
  const response = await agent.fetch(`${base}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', stream: true, messages: [] }), headers: { 'content-type': 'application/json' } });
  let chunks = 0;
  for await (const _ of response.body as unknown as AsyncIterable<Uint8Array>) chunks++;
  expect(chunks > 0, 'true', 'chunks');
});
await cell('fetch with dispatcher option', async () => {
  expect(JSON.parse(await text(await fetch(`${base}/whoami`, { dispatcher: agent } as unknown as RequestInit))).cn, 'good client', 'cn');
});
await cell('openai chat', async () => {
  const completion = await openaiClient(agent.fetch).chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
  expect(completion.choices[0]?.message.content, 'hello good client', 'content');
});
await cell('openai chat stream', async () => {
  const stream = await openaiClient(agent.fetch).chat.completions.create({ model: 'gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  let content = '';
  for await (const chunk of stream) content += chunk.choices[0]?.delta.content ?? '';
  expect(content, 'hello good client', 'content');
});
await cell('openai transcription upload', async () => {
  const result = await openaiClient(agent.fetch).audio.transcriptions.create({ model: 'whisper-1', file: await toFile(Buffer.from('spoken words'), 'clip.wav') });
  expect(result.text, 'good client heard spoken words', 'text');
});
await cell('openai file upload', async () => {
  const file = await openaiClient(agent.fetch).files.create({ purpose: 'assistants', file: await toFile(Buffer.from('file body'), 'notes.txt') });
  expect(file.filename, 'good client: file body', 'filename');
});
const provider = createOpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', fetch: agent.fetch });
await cell('ai generateText', async () => expect((await generateText({ model: provider.chat('gpt-test'), prompt: 'hi', maxRetries: 0 })).text, 'hello good client', 'text'));
await cell('ai streamText', async () => {
  const result = streamText({ model: provider.chat('gpt-test'), prompt: 'hi', maxRetries: 0, onError: () => undefined });
  let content = '';
  for await (const part of result.textStream) content += part;
  expect(content, 'hello good client', 'text');
});
await cell('ai transcribe upload', async () => {
  const result = await transcribe({ model: provider.transcription('whisper-1'), audio: new Uint8Array(Buffer.from('spoken words')), maxRetries: 0 });
  expect(result.text, 'good client heard spoken words', 'text');
});
await cell('mcp streamable http', async () => expect(await mcpWhoami(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { fetch: agent.fetch })), 'good client', 'whoami'));
await cell('mcp sse', async () => expect(await mcpWhoami(new SSEClientTransport(new URL(`${base}/sse`), { fetch: agent.fetch })), 'good client', 'whoami'));
const httpsAgent = createMtlsHttpsAgent(good);
await cell('axios httpsAgent', async () => expect((await axios.get(`${base}/whoami`, { httpsAgent })).data.cn, 'good client', 'cn'));
await cell('undici dispatch', async () => {
  // On Node the agent is a dispatcher; on Bun it refuses rather than sending no certificate.
  if (runtime === 'node') {
    const { request } = await import('undici');
    const response = await request(`${base}/whoami`, { dispatcher: agent });
    expect(((await response.body.json()) as { cn: string }).cn, 'good client', 'cn');
    return;
  }
  try {
    agent.dispatch({ origin: base, path: '/whoami', method: 'GET' }, {} as never);
    throw new Error('dispatch did not throw');
  } catch (error) {
    expect(findMtlsError(error)?.code, 'MTLS_RUNTIME_NO_DISPATCHER', 'code');
  }
});
httpsAgent.destroy();
await agent.close();

// ---- the global mode: no per-SDK option at all ----
await cell('installMtls', async () => {
  const installed = installMtls(good);
  try {
    expect(JSON.parse(await text(await fetch(`${base}/whoami`))).cn, 'good client', 'global fetch');
    const completion = await openaiClient().chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content, 'hello good client', 'openai without options');
    expect((await axios.get(`${base}/whoami`)).data.cn, 'good client', 'axios without options');
    expect(await mcpWhoami(new StreamableHTTPClientTransport(new URL(`${base}/mcp`))), 'good client', 'mcp without options');
  } finally {
    await installed.uninstall();
  }
});

// ---- rotation while a response streams ----
await cell('rotation mid-stream', async () => {
  const cert = join(input.workDir, `${runtime}-client.crt`);
  const key = join(input.workDir, `${runtime}-client.key`);
  copyFileSync(input.good.cert, cert);
  copyFileSync(input.good.key, key);
  let reloaded!: () => void;
  const reload = new Promise<void>((resolve) => (reloaded = resolve));
  const watching = createMtlsAgent({ cert, key, ca: input.rootCa, watch: { intervalMs: 50 }, onReload: () => reloaded() });
  try {
    const stream = await openaiClient(watching.fetch).chat.completions.create({ model: 'gpt-test', stream: true, messages: [] }, { headers: { 'x-delay-ms': '300' } });
    let content = '';
    let rotated = false;
    for await (const chunk of stream) {
      content += chunk.choices[0]?.delta.content ?? '';
      if (!rotated) {
        rotated = true;
        copyFileSync(input.rotated.key, `${key}.new`);
        copyFileSync(input.rotated.cert, `${cert}.new`);
        renameSync(`${key}.new`, key);
        renameSync(`${cert}.new`, cert);
        await reload;
      }
    }
    expect(content, 'hello good client', 'the stream in flight keeps its connection');
    expect(JSON.parse(await text(await watching.fetch(`${base}/whoami`))).cn, 'rotated client', 'the next request');
  } finally {
    await watching.close();
  }
});

// ---- failures: the same MtlsError code as `mtls request`, reachable with findMtlsError ----
const cases: Record<string, MtlsAgentOptions> = {
  'no certificate': { ca: input.rootCa },
  'other CA': { ...input.otherCa, ca: input.rootCa },
  expired: { ...input.expired, ca: input.rootCa },
  'wrong passphrase': { cert: input.good.cert, key: input.encryptedKey, passphrase: WRONG_PASSPHRASE, ca: input.rootCa },
  'missing key': { cert: input.good.cert, key: join(input.workDir, 'missing.key'), ca: input.rootCa },
};
for (const [name, options] of Object.entries(cases)) {
  const failing = createMtlsAgent(options);
  const failingHttps = createMtlsHttpsAgent(options);
  const ai = createOpenAI({ baseURL: `${base}/v1`, apiKey: 'test-key', fetch: failing.fetch });
  await failure(`fail ${name} / fetch`, () => failing.fetch(`${base}/whoami`));
  await failure(`fail ${name} / openai`, () => openaiClient(failing.fetch).chat.completions.create({ model: 'gpt-test', messages: [] }));
  // With a retry the AI SDK wraps the error in a RetryError (lastError, errors); once is enough (each retry waits 2 s).
  await failure(`fail ${name} / ai`, () => generateText({ model: ai.chat('gpt-test'), prompt: 'hi', maxRetries: name === 'no certificate' ? 1 : 0 }));
  await failure(`fail ${name} / mcp streamable http`, () => mcpWhoami(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { fetch: failing.fetch })));
  await failure(`fail ${name} / mcp sse`, () => mcpWhoami(new SSEClientTransport(new URL(`${base}/sse`), { fetch: failing.fetch })));
  await failure(`fail ${name} / axios`, () => axios.get(`${base}/whoami`, { httpsAgent: failingHttps }));
  failingHttps.destroy();
  await failing.close();
}

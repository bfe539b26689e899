import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDemoPki, type DemoPki } from '../../core/demo/pki.js';
import { loadCredentials } from '../../core/load/identity.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import { performRequest } from '../../tls/request.js';
import { startServe, type ServeEvent, type ServeHandle } from '../../tls/serve/index.js';

export type DemoStepId = 'good' | 'no-certificate' | 'other-ca' | 'expired';

/** One request of the demo and what both ends said about it; plain values. */
export interface DemoStep {
  id: DemoStepId;
  /** The diagnosis code `mtls request` should give, or null for a success. */
  expected: DiagnosisCode | null;
  /** The certificate files the client used, relative to the demo folder (null: none). */
  clientFiles: { cert: string; key: string } | null;
  status: number | null;
  /** The server's JSON echo of the client identity, on success. */
  echo: unknown;
  diagnosis: Diagnosis | null;
  /** What the server logged for this client: the request it served, or why it refused it. */
  serverLog: ServeEvent[];
  passed: boolean;
}

export interface DemoReport {
  ok: boolean;
  /** The folder the throwaway PKI lived in (removed by the time the report is read). */
  dir: string;
  url: string | null;
  steps: DemoStep[];
  interrupted: boolean;
}

interface StepPlan {
  id: DemoStepId;
  expected: DiagnosisCode | null;
  client: (pki: DemoPki) => { cert: string; key: string } | null;
}

const PLAN: StepPlan[] = [
  { id: 'good', expected: null, client: (pki) => pki.client },
  { id: 'no-certificate', expected: 'MTLS_CLIENT_CERT_REQUIRED', client: () => null },
  { id: 'other-ca', expected: 'MTLS_CLIENT_CERT_UNKNOWN_CA', client: (pki) => pki.otherCaClient },
  { id: 'expired', expected: 'MTLS_CLIENT_CERT_EXPIRED', client: (pki) => pki.expiredClient },
];

/**
 * The demo: a throwaway PKI in a temporary folder, the serve core on a random loopback port, a
 * good request and three typical refusals, each seen from both ends. The folder is removed
 * whatever happens; `signal` stops it between steps (Ctrl-C).
 */
export async function runDemo(options: { signal?: AbortSignal; now?: Date } = {}): Promise<DemoReport> {
  const dir = await mkdtemp(join(tmpdir(), 'mtls-demo-'));
  const report: DemoReport = { ok: false, dir, url: null, steps: [], interrupted: false };
  let server: ServeHandle | null = null;
  try {
    const now = options.now ?? new Date();
    const pki = await createDemoPki(dir, now);
    let log: ServeEvent[] = [];
    server = await startServe({
      sources: { cert: { value: pki.server.cert, from: '--cert' }, key: { value: pki.server.key, from: '--key' }, clientCa: { value: pki.ca, from: '--client-ca' }, cwd: dir },
      host: '127.0.0.1',
      port: 0,
      clientAuth: 'required',
      watch: false,
      onEvent: (event) => {
        if (event.event === 'request' || event.event === 'refused') log.push(event);
      },
    });
    report.url = server.url;
    const trust = (await loadCredentials({ ca: { value: pki.ca, from: 'demo CA' } })).ca?.certificates ?? null;
    for (const plan of PLAN) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      log = [];
      const files = plan.client(pki);
      const identity = files ? (await loadCredentials({ cert: { value: files.cert, from: 'demo client' }, key: { value: files.key, from: 'demo key' } })).identity : null;
      const result = await performRequest({ url: server.url, identity, ca: trust, connectTimeoutMs: 5000, maxTimeMs: 10_000 });
      const code = result.diagnosis?.code ?? null;
      report.steps.push({
        id: plan.id,
        expected: plan.expected,
        clientFiles: files ? { cert: relative(dir, files.cert), key: relative(dir, files.key) } : null,
        status: result.response?.status ?? null,
        echo: result.ok && result.response ? parseJson(result.response.body) : null,
        diagnosis: result.diagnosis,
        serverLog: log,
        passed: code === plan.expected && (plan.expected !== null || result.response?.status === 200),
      });
    }
    report.ok = !report.interrupted && report.steps.length === PLAN.length && report.steps.every((s) => s.passed);
    return report;
  } finally {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function relative(dir: string, path: string): string {
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : path;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return body.toString('utf8');
  }
}

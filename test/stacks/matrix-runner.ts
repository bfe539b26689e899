import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { createMtlsAgent, findMtlsError } from '../../src/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { STACKS, startStack, type ListenerSpec, type RunningStack, type StackKind, type TlsVersion } from '../helpers/stacks/index.js';
import type { Credential, ScenarioPki } from '../helpers/stacks/pki.js';
import { DEEP_STACKS, EXPECTED, SCENARIO_SETUP, SCENARIOS, SERVER_JUDGED, expectationFor, type Expectation, type Scenario, type Via } from './expected.js';

/** How the server's refusal looks from the client, read by a plain Node TLS client (no mtls logic). */
export interface WireObservation {
  /** 'handshake' = the refusal came during the handshake; 'after-handshake' = the handshake completed first (TLS 1.3, nginx's HTTP 400). */
  phase: 'handshake' | 'after-handshake' | 'none';
  /** The TLS alert name (bad_certificate, unknown_ca, certificate_required…) or null for a close without one. */
  alert: string | null;
  /** The HTTP status, when a response came. */
  status: number | null;
  /** One short phrase for the table: "alert bad_certificate", "close, no alert, after handshake", "HTTP 400". */
  summary: string;
}

export interface CellResult {
  stack: StackKind;
  scenario: Scenario;
  tls: TlsVersion;
  via: Via;
  /** What came back: the code (or 'ok' / 'HTTP nnn'), exit, first cause and fix. */
  got: { code: string | null; exit: number | null; status: number | null; firstCause?: string; firstFix?: string };
  wire?: WireObservation;
  right: boolean;
  /** What was wrong, when not right. */
  mismatch?: string;
  expected: string;
  ms: number;
}

export interface Cell {
  stack: StackKind;
  scenario: Scenario;
  tls: TlsVersion;
  via: Via;
  url: string;
  client: Credential | null;
}

const listenerId = (scenario: Scenario, tls: TlsVersion) => {
  const setup = SCENARIO_SETUP[scenario];
  return `${setup.clientAuth}-${setup.server}${setup.verifyDepth ? `-depth${setup.verifyDepth}` : ''}-${tls}`;
};

/** The listeners a stack needs for these scenarios: one per (client-auth mode, server credential, version). */
export function listenersFor(kind: StackKind, pki: ScenarioPki, scenarios: Scenario[] = SCENARIOS): ListenerSpec[] {
  const launcher = STACKS[kind];
  const byId = new Map<string, ListenerSpec>();
  for (const tls of launcher.versions) {
    for (const scenario of scenarios) {
      const setup = SCENARIO_SETUP[scenario];
      if (setup.clientAuth === 'optional' && !launcher.supportsOptional) continue;
      if (setup.clientAuth === 'per-path' && !launcher.supportsPerPath) continue;
      if (setup.verifyDepth !== undefined && !launcher.supportsVerifyDepth) continue;
      const id = listenerId(scenario, tls);
      if (!byId.has(id)) byId.set(id, { id, tls, clientAuth: setup.clientAuth, server: pki.servers[setup.server], clientCa: pki.rootCa, ...(setup.verifyDepth ? { verifyDepth: setup.verifyDepth } : {}) });
    }
  }
  return [...byId.values()];
}

export async function startMatrixStack(kind: StackKind, pki: ScenarioPki, scenarios: Scenario[] = SCENARIOS): Promise<RunningStack> {
  return startStack(kind, { pki, listeners: listenersFor(kind, pki, scenarios) });
}

/** Every cell of one running stack: scenarios × its versions × request (and doctor, library on DEEP_STACKS). */
export function cellsFor(stack: RunningStack, pki: ScenarioPki, scenarios: Scenario[] = SCENARIOS, vias: Via[] = ['request', 'doctor', 'library']): Cell[] {
  const cells: Cell[] = [];
  for (const tls of STACKS[stack.kind].versions) {
    for (const scenario of scenarios) {
      const url = stack.urls[listenerId(scenario, tls)];
      if (!url) continue; // e.g. no 'optional' listener on this stack
      for (const via of vias) {
        if (via !== 'request' && !DEEP_STACKS.includes(stack.kind)) continue;
        cells.push({ stack: stack.kind, scenario, tls, via, url, client: pki.clients[SCENARIO_SETUP[scenario].client] });
      }
    }
  }
  return cells;
}

/** Runs `work` over `items`, at most `size` at a time. */
export async function pool<T, R>(items: T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

function credentialArgs(client: Credential | null): string[] {
  return client ? ['--cert', client.cert, '--key', client.key] : [];
}

interface Outcome {
  code: string | null;
  exit: number | null;
  status: number | null;
  firstCause?: string;
  firstFix?: string;
}

async function viaRequest(cell: Cell, pki: ScenarioPki): Promise<Outcome> {
  const result = await runInProcess(['request', cell.url, '--cacert', pki.rootCa, ...credentialArgs(cell.client), '--connect-timeout', '20', '--max-time', '30', '--json']);
  const doc = parseJson(result.stdout) as { diagnosis?: Diagnosisish | null; error?: Diagnosisish; response?: { status: number } | null } | null;
  const diagnosis = doc?.diagnosis ?? doc?.error ?? null;
  return {
    code: diagnosis?.code ?? null,
    exit: result.code,
    status: doc?.response?.status ?? null,
    firstCause: diagnosis?.causes?.[0]?.cause,
    firstFix: diagnosis?.fixes?.[0],
  };
}

async function viaDoctor(cell: Cell, pki: ScenarioPki): Promise<Outcome> {
  const result = await runInProcess(['doctor', cell.url, '--cacert', pki.rootCa, ...credentialArgs(cell.client), '--json']);
  const doc = parseJson(result.stdout) as { fixFirst?: { code?: string; fix?: string; summary?: string } | null; error?: Diagnosisish } | null;
  const first = doc?.fixFirst;
  if (first) return { code: first.code ?? `(no code) ${first.summary ?? ''}`, exit: result.code, status: null, firstCause: first.summary, firstFix: first.fix };
  if (doc?.error) return { code: doc.error.code, exit: result.code, status: null, firstCause: doc.error.causes?.[0]?.cause, firstFix: doc.error.fixes?.[0] };
  return { code: null, exit: result.code, status: null };
}

async function viaLibrary(cell: Cell, pki: ScenarioPki): Promise<Outcome> {
  let agent: ReturnType<typeof createMtlsAgent> | undefined;
  try {
    agent = createMtlsAgent({ ...(cell.client ? { cert: cell.client.cert, key: cell.client.key } : {}), ca: pki.rootCa });
    const response = await agent.fetch(cell.url, { signal: AbortSignal.timeout(30_000) });
    await response.text();
    return { code: response.status === 200 ? null : `HTTP ${response.status}`, exit: null, status: response.status };
  } catch (error) {
    const found = findMtlsError(error);
    if (found) return { code: found.code, exit: null, status: null, firstCause: found.toDiagnosis().causes[0]?.cause, firstFix: found.toDiagnosis().fixes[0] };
    return { code: `(not an MtlsError) ${(error as Error).message}`, exit: null, status: null };
  } finally {
    await agent?.close().catch(() => undefined);
  }
}

interface Diagnosisish {
  code: string;
  causes?: { cause: string }[];
  fixes?: string[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Alert names as Node (OpenSSL) spells them in error codes: ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE → bad_certificate. */
function alertOf(error: NodeJS.ErrnoException): string | null {
  const fromCode = /ALERT_([A-Z0-9_]+)$/.exec(error.code ?? '');
  if (fromCode?.[1]) return fromCode[1].toLowerCase();
  const fromMessage = /alert ([a-z][a-z ]+?)(?:[:(]|$)/i.exec(error.message);
  return fromMessage?.[1] ? fromMessage[1].trim().replace(/ /g, '_').toLowerCase() : null;
}

/**
 * One plain Node TLS connection with the scenario's certificate, the server unchecked (only the
 * server's reaction to the client certificate is of interest), then GET /. What the client sees
 * is recorded as is: alert or bare close, during or after the handshake, or an HTTP status.
 */
export function wireProbe(url: string, client: Credential | null): Promise<WireObservation> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    let handshakeDone = false;
    let response = '';
    let settled = false;
    const finish = (o: Omit<WireObservation, 'summary'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket?.destroy();
      const when = o.phase === 'after-handshake' ? ', after handshake' : '';
      const summary = o.status !== null ? `HTTP ${o.status}` : o.alert ? `alert ${o.alert}${when}` : o.phase === 'none' ? 'no refusal' : `close, no alert${when}`;
      resolve({ ...o, summary });
    };
    const timer = setTimeout(() => finish({ phase: handshakeDone ? 'after-handshake' : 'handshake', alert: 'timeout (no answer in 20 s)', status: null }), 20_000);
    let socket: ReturnType<typeof connect> | undefined;
    try {
      socket = connect({
        host: '127.0.0.1',
        port: Number(port),
        rejectUnauthorized: false,
        // The RSA-1024 client key must reach the server: judging it is the server's job here.
        ciphers: 'DEFAULT:@SECLEVEL=0',
        ...(client ? { cert: readFileSync(client.cert), key: readFileSync(client.key) } : {}),
      });
    } catch (error) {
      return finish({ phase: 'none', alert: `local: ${(error as Error).message}`, status: null });
    }
    socket.setEncoding('utf8');
    socket.once('secureConnect', () => {
      handshakeDone = true;
      socket?.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    });
    socket.on('data', (d: string) => (response += d));
    const statusOf = () => {
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(response);
      return m ? Number(m[1]) : null;
    };
    socket.once('error', (error: NodeJS.ErrnoException) => {
      const status = statusOf();
      finish({ phase: handshakeDone ? 'after-handshake' : 'handshake', alert: status === null ? alertOf(error) : null, status });
    });
    socket.once('end', () => {
      const status = statusOf();
      finish({ phase: handshakeDone ? (status === 200 ? 'none' : 'after-handshake') : 'handshake', alert: null, status });
    });
    socket.once('close', () => {
      const status = statusOf();
      finish({ phase: handshakeDone ? (status === 200 ? 'none' : 'after-handshake') : 'handshake', alert: null, status });
    });
  });
}

function describe(expectation: Expectation, via: Via): string {
  if (via === 'doctor') return expectation.doctor ? expectation.doctor.join('|') : 'ok';
  if (via === 'library') {
    const codes = expectation.library === undefined ? expectation.codes : expectation.library;
    return codes ? codes.join('|') : 'HTTP 200';
  }
  return expectation.codes ? `${expectation.codes.join('|')} (exit ${expectation.exit})` : 'ok (exit 0)';
}

/** Compares one outcome with the expected table; returns what is wrong, or null. */
export function judge(expectation: Expectation, via: Via, got: Outcome): string | null {
  const problems: string[] = [];
  if (via === 'request') {
    if (expectation.codes === null) {
      if (got.exit !== 0 || got.code !== null) problems.push(`expected success, got ${got.code ?? 'no code'} exit ${got.exit}`);
      else if (got.status !== 200) problems.push(`expected HTTP 200, got ${got.status}`);
    } else {
      if (!got.code || !expectation.codes.includes(got.code)) problems.push(`code ${got.code ?? 'none'}`);
      if (got.exit !== expectation.exit) problems.push(`exit ${got.exit}`);
      if (expectation.firstCause && !expectation.firstCause.test(got.firstCause ?? '')) problems.push(`first cause "${clip(got.firstCause)}"`);
      if (expectation.firstFix && !expectation.firstFix.test(got.firstFix ?? '')) problems.push(`first fix "${clip(got.firstFix)}"`);
      if (expectation.firstFixNot?.test(got.firstFix ?? '')) problems.push(`first fix "${clip(got.firstFix)}" (must not: ${expectation.firstFixNot})`);
    }
  } else if (via === 'doctor') {
    if (expectation.doctor === null) {
      if (got.code !== null) problems.push(`fix first ${got.code}`);
    } else {
      if (!got.code || !expectation.doctor.includes(got.code)) problems.push(`fix first ${got.code ?? 'none (doctor found nothing)'}`);
      if (expectation.doctorFix && !expectation.doctorFix.test(got.firstFix ?? '')) problems.push(`fix "${clip(got.firstFix)}"`);
      if (expectation.doctorFixNot?.test(got.firstFix ?? '')) problems.push(`fix "${clip(got.firstFix)}" (must not: ${expectation.doctorFixNot})`);
    }
  } else {
    const codes = expectation.library === undefined ? expectation.codes : expectation.library;
    if (codes === null) {
      if (got.code !== null) problems.push(`expected HTTP 200, got ${got.code}`);
    } else if (!got.code || !codes.includes(got.code)) problems.push(`code ${got.code ?? 'none (HTTP 200)'}`);
  }
  return problems.length > 0 ? problems.join('; ') : null;
}

const clip = (s: string | undefined, n = 90) => (s === undefined ? '(none)' : s.length > n ? `${s.slice(0, n)}…` : s);

/** Runs one cell: the client it names, plus (for request cells of server-judged scenarios) the wire probe. */
export async function runCell(cell: Cell, pki: ScenarioPki): Promise<CellResult> {
  const started = Date.now();
  const expectation = expectationFor(cell.stack, cell.scenario, cell.tls);
  let got: Outcome;
  try {
    got = cell.via === 'request' ? await viaRequest(cell, pki) : cell.via === 'doctor' ? await viaDoctor(cell, pki) : await viaLibrary(cell, pki);
  } catch (error) {
    got = { code: `(threw) ${(error as Error).message}`, exit: null, status: null };
  }
  const wire = cell.via === 'request' && SERVER_JUDGED.includes(cell.scenario) ? await wireProbe(cell.url, cell.client) : undefined;
  const mismatch = judge(expectation, cell.via, got);
  return { stack: cell.stack, scenario: cell.scenario, tls: cell.tls, via: cell.via, got, wire, right: mismatch === null, ...(mismatch ? { mismatch } : {}), expected: describe(expectation, cell.via), ms: Date.now() - started };
}

/** The compact failure table the engine's author works from: one line per wrong cell. */
export function failureTable(results: CellResult[]): string {
  const wrong = results.filter((r) => !r.right);
  if (wrong.length === 0) return 'every cell right';
  const rows = wrong.map((r) => [r.stack, r.scenario, r.tls, r.via, r.expected, r.mismatch ?? '', r.wire?.summary ?? '']);
  return table(['stack', 'scenario', 'TLS', 'via', 'expected', 'got', 'server sent'], rows, 'plain');
}

export function table(head: string[], rows: string[][], style: 'plain' | 'markdown'): string {
  if (style === 'markdown') {
    const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
  }
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

/** Share of cells right, overall and per via. */
export function score(results: CellResult[]): string {
  const share = (list: CellResult[]) => `${list.filter((r) => r.right).length}/${list.length} (${list.length ? Math.round((100 * list.filter((r) => r.right).length) / list.length) : 0}%)`;
  const parts = (['request', 'doctor', 'library'] as Via[]).map((via) => `${via} ${share(results.filter((r) => r.via === via))}`);
  return `cells right: ${share(results)} — ${parts.join(', ')}`;
}

/**
 * How each stack reports each refused client certificate, as the wire probe saw it: one table
 * per TLS version, rows = stacks, columns = server-judged scenarios.
 */
export function wireTable(results: CellResult[], tls?: TlsVersion): string {
  if (!tls) return (['1.2', '1.3'] as TlsVersion[]).map((v) => `TLS ${v}:\n\n${wireTable(results, v)}`).join('\n\n');
  const probes = results.filter((r) => r.via === 'request' && r.wire && r.tls === tls);
  const stacks = [...new Set(probes.map((r) => r.stack))];
  const scenarios = SERVER_JUDGED.filter((s) => probes.some((r) => r.scenario === s));
  const rows = stacks.map((stack) => [
    STACKS[stack].label,
    ...scenarios.map((scenario) => probes.find((r) => r.stack === stack && r.scenario === scenario)?.wire?.summary.replace(', after handshake', ' (after handshake)') ?? '—'),
  ]);
  return table(['stack', ...scenarios], rows, 'markdown');
}

export { EXPECTED };

/**
 * `npm run limbo`: every x509-limbo case through mtls (in-process, the core function `chain
 * verify` calls) and through `openssl verify -x509_strict` (a process per case, two at a time),
 * then a table by family, side by side.
 *
 *   npm run limbo                      both columns, from this run
 *   npm run limbo -- --mtls-only       mtls only; openssl's column from test/limbo/openssl.json
 *   npm run limbo -- --update-baseline also write test/limbo/baseline.json (mtls) and openssl.json
 *   npm run limbo -- --markdown        the table as Markdown (for docs/checks.md)
 *   npm run limbo -- --only ID-PART    only the cases whose id contains ID-PART
 *
 * CI runs test/unit/limbo-regression.test.ts instead: mtls only, against the committed baseline.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { familyOf, limboPath, loadLimbo, runLimboCase, type LimboCase, type LimboOutcome } from './limbo/cases.js';

const run = promisify(execFile);
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const BASELINE = 'test/limbo/baseline.json';
const OPENSSL_CACHE = 'test/limbo/openssl.json';

const path = limboPath();
if (!path) {
  console.error('limbo: the suite is not found (set LIMBO_DIR to the folder holding limbo.json.gz).');
  process.exit(2);
}
const cases = loadLimbo(path).filter((k) => !only || k.id.includes(only));

const started = performance.now();
const cpu0 = process.cpuUsage();
const mtls = new Map<string, LimboOutcome>();
for (const k of cases) mtls.set(k.id, runLimboCase(k));
const mtlsSeconds = (performance.now() - started) / 1000;
const mtlsCpu = process.cpuUsage(cpu0).user / 1e6;

let openssl: Map<string, 'pass' | 'fail'>;
let opensslSeconds = 0;
if (flag('--mtls-only')) {
  const cached = existsSync(OPENSSL_CACHE) ? (JSON.parse(readFileSync(OPENSSL_CACHE, 'utf8')) as { results: Record<string, 'pass' | 'fail'> }).results : {};
  openssl = new Map(Object.entries(cached));
} else {
  const t = performance.now();
  openssl = await runOpenssl(cases);
  opensslSeconds = (performance.now() - t) / 1000;
}

printTable(cases, mtls, openssl, flag('--markdown'));
const slowest = [...mtls.values()].sort((a, b) => b.ms - a.ms)[0];
const errors = [...mtls.values()].filter((o) => o.actual === 'error');
console.log(`\nmtls: ${cases.length} cases in ${mtlsSeconds.toFixed(1)} s (${mtlsCpu.toFixed(1)} s CPU); slowest ${slowest?.id} ${slowest?.ms.toFixed(0)} ms; ${errors.length} errors${errors.length ? `: ${errors.map((e) => e.id).join(', ')}` : ''}.`);
if (!flag('--mtls-only')) console.log(`openssl verify -x509_strict: ${cases.length} processes in ${opensslSeconds.toFixed(1)} s (2 at a time).`);

if (flag('--update-baseline')) {
  if (only) throw new Error('--update-baseline needs the whole suite (no --only)');
  const results = Object.fromEntries([...mtls].map(([id, o]) => [id, o.actual]));
  writeFileSync(BASELINE, `${JSON.stringify({ suite: 'x509-limbo 8a2e6f4 with bettertls e1e99e3', note: 'mtls verdicts (pass/fail/error) per case; test/unit/limbo-regression.test.ts fails when a case right here turns wrong', results }, null, 1)}\n`);
  if (!flag('--mtls-only')) writeFileSync(OPENSSL_CACHE, `${JSON.stringify({ command: 'openssl verify -x509_strict -partial_chain', version: (await run('openssl', ['version'])).stdout.trim(), results: Object.fromEntries(openssl) }, null, 1)}\n`);
  console.log(`wrote ${BASELINE}${flag('--mtls-only') ? '' : ` and ${OPENSSL_CACHE}`}`);
}

/** One `openssl verify` per case, as limbo's OpenSSL harness configures it, two at a time. */
async function runOpenssl(list: LimboCase[]): Promise<Map<string, 'pass' | 'fail'>> {
  const results = new Map<string, 'pass' | 'fail'>();
  const dir = mkdtempSync(join(tmpdir(), 'mtls-limbo-'));
  let next = 0;
  const worker = async (slot: number) => {
    while (next < list.length) {
      const k = list[next++] as LimboCase;
      const file = (name: string, pems: string[]) => {
        const p = join(dir, `${slot}-${name}.pem`);
        writeFileSync(p, pems.join('\n'));
        return p;
      };
      const argv = ['verify', '-x509_strict', '-partial_chain', '-CAfile', file('trusted', k.trusted_certs)];
      if (k.untrusted_intermediates.length > 0) argv.push('-untrusted', file('untrusted', k.untrusted_intermediates));
      const eku = k.extended_key_usage ?? [];
      argv.push('-purpose', eku.includes('clientAuth') || (eku.length === 0 && k.validation_kind === 'CLIENT') ? 'sslclient' : 'sslserver');
      if (k.validation_time) argv.push('-attime', String(Math.floor(Date.parse(k.validation_time) / 1000)));
      const name = k.expected_peer_name;
      if (name) argv.push(name.kind === 'DNS' ? '-verify_hostname' : name.kind === 'IP' ? '-verify_ip' : '-verify_email', name.value);
      if (k.max_chain_depth !== null) argv.push('-verify_depth', String(k.max_chain_depth));
      if (k.crls.length > 0) argv.push('-crl_check', '-CRLfile', file('crls', k.crls));
      argv.push(file('leaf', [k.peer_certificate]));
      try {
        await run('openssl', argv, { timeout: 20_000 });
        results.set(k.id, 'pass');
      } catch {
        results.set(k.id, 'fail');
      }
    }
  };
  await Promise.all([worker(0), worker(1)]);
  rmSync(dir, { recursive: true, force: true });
  return results;
}

function printTable(list: LimboCase[], ours: Map<string, LimboOutcome>, theirs: Map<string, 'pass' | 'fail'>, markdown: boolean): void {
  interface Row { cases: number; right: number; falseAccepts: number; errors: number; osslRight: number; osslFalseAccepts: number; osslKnown: number }
  const rows = new Map<string, Row>();
  const add = (family: string, k: LimboCase) => {
    const row = rows.get(family) ?? { cases: 0, right: 0, falseAccepts: 0, errors: 0, osslRight: 0, osslFalseAccepts: 0, osslKnown: 0 };
    const expected = k.expected_result === 'SUCCESS' ? 'pass' : 'fail';
    const o = ours.get(k.id) as LimboOutcome;
    row.cases += 1;
    if (o.actual === expected) row.right += 1;
    if (o.actual === 'pass' && expected === 'fail') row.falseAccepts += 1;
    if (o.actual === 'error') row.errors += 1;
    const s = theirs.get(k.id);
    if (s) {
      row.osslKnown += 1;
      if (s === expected) row.osslRight += 1;
      if (s === 'pass' && expected === 'fail') row.osslFalseAccepts += 1;
    }
    rows.set(family, row);
  };
  for (const k of list) {
    add(familyOf(k.id), k);
    add(k.id.startsWith('bettertls::') ? 'all bettertls' : "all of limbo's own", k);
    add('all', k);
  }
  const order = [...rows.keys()].filter((f) => !f.startsWith('all')).sort().concat([...rows.keys()].filter((f) => f.startsWith('all')).sort().reverse());
  const cell = (right: number, n: number) => `${right}/${n}`;
  if (markdown) {
    console.log('| family | cases | mtls right | mtls false accepts | openssl -x509_strict right | openssl false accepts |');
    console.log('|---|---:|---:|---:|---:|---:|');
  } else {
    console.log(`${'family'.padEnd(40)} ${'cases'.padStart(6)} ${'mtls'.padStart(11)} ${'false acc.'.padStart(10)} ${'openssl'.padStart(11)} ${'false acc.'.padStart(10)}`);
  }
  for (const family of order) {
    const r = rows.get(family) as Row;
    const ossl = r.osslKnown === r.cases ? cell(r.osslRight, r.cases) : r.osslKnown === 0 ? '—' : `${r.osslRight}/${r.osslKnown}`;
    if (markdown) console.log(`| ${family.startsWith('all') ? `**${family}**` : `\`${family}\``} | ${r.cases} | ${cell(r.right, r.cases)} | ${r.falseAccepts} | ${ossl} | ${r.osslKnown ? r.osslFalseAccepts : '—'} |`);
    else console.log(`${family.padEnd(40)} ${String(r.cases).padStart(6)} ${cell(r.right, r.cases).padStart(11)} ${String(r.falseAccepts).padStart(10)} ${ossl.padStart(11)} ${String(r.osslKnown ? r.osslFalseAccepts : '—').padStart(10)}`);
  }
}

// `npm run stacks`: runs the stack matrix (test/stacks/matrix.test.ts) and prints (a) the share of
// cells right and (b) the table of how each server stack reports each refused client
// certificate, from the same observations. `--write-docs` puts that table into
// docs/troubleshooting.md (its section "How each server stack reports a refused client
// certificate", between the markers). MTLS_STACKS / MTLS_SCENARIOS narrow the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { failureTable, score, wireTable, type CellResult } from '../test/stacks/matrix-runner.js';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mtls-stack-matrix-'));
const out = join(dir, 'observations.json');
const started = Date.now();
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', 'test/stacks/matrix.test.ts'], {
  cwd: root,
  env: { ...process.env, MTLS_STACK_MATRIX_OUT: out, NO_COLOR: '1' },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const wallMs = Date.now() - started;
let data: { results: CellResult[]; skipped: Record<string, string>; startFailures: Record<string, string>; cellsMs: number };
try {
  data = JSON.parse(readFileSync(out, 'utf8'));
} catch {
  console.error(run.stdout, run.stderr);
  console.error('the matrix left no observations (see above)');
  process.exit(3);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const { results } = data;
const wire = wireTable(results);
console.log(`${score(results)}`);
console.log(`${results.length} cells in ${(data.cellsMs / 1000).toFixed(1)} s (whole run, start-up included: ${(wallMs / 1000).toFixed(1)} s)`);
for (const [kind, reason] of Object.entries(data.skipped)) console.log(`skipped ${kind}: ${reason}`);
for (const [kind, message] of Object.entries(data.startFailures)) console.log(`did not start ${kind}: ${message.split('\n')[0]}`);
console.log('\nHow each server stack reports a refused client certificate (as a plain TLS client sees it):\n');
console.log(wire);
if (process.argv.includes('--failures')) console.log(`\n${failureTable(results)}`);

if (process.argv.includes('--write-docs')) {
  const path = join(root, 'docs', 'troubleshooting.md');
  const begin = '<!-- stack-matrix:begin (npm run stacks -- --write-docs) -->';
  const end = '<!-- stack-matrix:end -->';
  const section = `${begin}
## How each server stack reports a refused client certificate

What a client sees when each server stack refuses a client certificate, measured by \`npm run stacks\`
(test/stacks/): every stack on 127.0.0.1 with \`verify client = require\` (and, where a stack has one,
an optional-client-auth listener that answers 403 without a verified certificate), a plain Node TLS
client, the scenario's certificate. "(after handshake)" is TLS 1.3: the server judges the client
certificate after the client considers the handshake done, so Node-based clients (mtls included)
see the refusal on the first read, not during the handshake. "close, no alert" means the server hung
up without saying why; "HTTP 200" means the stack accepted the certificate; "—" that the stack has
no such listener (no optional client auth, or no TLS 1.3 in Debian's mbedTLS 2.28). This is why an alert's name is evidence, not the verdict, and the certificate in hand must outrank it: the
same fault is \`bad_certificate\` on Go, \`access_denied\` on GnuTLS, \`certificate_unknown\` on mbedTLS,
an HTTP 400 page on nginx and a bare close on Node.

${wire}
${end}`;
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
  console.log(`\nwrote the table into ${path}`);
}
process.exit(0);

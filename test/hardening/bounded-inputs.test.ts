import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInProcess } from '../helpers/in-process.js';
import { runCliMeasured } from '../helpers/measured.js';
import { fuzzSeed, seededRandom, flipBit, derHeaders } from '../helpers/mutate.js';
import { tempDir } from '../helpers/tmp.js';
import { FIXTURES } from './corpus.js';
import { parseJson, runProblem, timed } from './oracle.js';

/**
 * Huge, endless and special inputs: nothing is read without its size and type checked first, an
 * endless stream is cut at the cap, and every such input ends promptly with a diagnosis (exit
 * 2), never a hang, runaway memory or an internal error. Time bounds are generous on purpose
 * (the machine is shared): they catch "never ends", not slowness.
 */
const dir = tempDir('mtls-bounded-');
const GOOD_CERT = join(FIXTURES, 'client.pem');
const PROMPT_MS = 30_000;

/** A FIFO nobody writes to: opening it for reading the ordinary way blocks forever. */
function fifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

test('expiry of a folder with a 200 MB file and a FIFO lists the certificate and skips both unread, in bounded memory', async () => {
  const folder = join(dir, 'scan');
  mkdirSync(folder);
  copyFileSync(GOOD_CERT, join(folder, 'good.pem'));
  // Sparse: 200 MB to anyone who reads it, no disk space.
  writeFileSync(join(folder, 'huge.bin'), '');
  truncateSync(join(folder, 'huge.bin'), 200 * 1024 * 1024);
  fifo(join(folder, 'pipe'));

  const result = await runCliMeasured(['expiry', folder, '--json'], { timeoutMs: PROMPT_MS * 2 });
  assert.equal(result.killed, false, 'expiry did not end');
  assert.equal(result.code, 0, result.stderr);
  const report = parseJson(result.stdout);
  assert.deepEqual(report.rows.map((r: { source: string }) => r.source), [join(folder, 'good.pem')]);
  const skipped = Object.fromEntries(report.skipped.map((s: { source: string; reason: string; code: string }) => [s.source.slice(folder.length + 1), s]));
  assert.match(skipped['huge.bin']?.reason ?? '', /200 MiB, over the 8 MiB limit .*not read/);
  assert.equal(skipped['huge.bin']?.code, 'MTLS_INPUT_TOO_LARGE');
  assert.match(skipped.pipe?.reason ?? '', /a FIFO, not a file; not read/);
  assert.equal(skipped.pipe?.code, 'MTLS_FILE_UNREADABLE');
  // Reading the 200 MB file peaked at 846 MB before; never reading it stays at Node's baseline.
  assert.ok(result.maxRssMb < 200, `peak RSS ${result.maxRssMb} MB`);
});

test('expiry of /dev/zero or of a FIFO named directly ends at once with a diagnosis', async () => {
  const pipe = fifo(join(dir, 'direct-pipe'));
  for (const [target, type] of [['/dev/zero', 'a character device'], [pipe, 'a FIFO']] as const) {
    const result = await runCliMeasured(['expiry', target], { timeoutMs: PROMPT_MS });
    assert.equal(result.killed, false, `expiry ${target} did not end`);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error MTLS_EXPIRY_NO_CERTIFICATES:/m);
    assert.match(result.stderr, new RegExp(`${type}, not a file; not read`));
    assert.ok(result.maxRssMb < 200, `expiry ${target}: peak RSS ${result.maxRssMb} MB`);
  }
});

test('inspect of an endless standard input stops at the 32 MiB cap (MTLS_INPUT_TOO_LARGE), as - and as /dev/stdin', async () => {
  for (const source of ['-', '/dev/stdin']) {
    const result = await runCliMeasured(['inspect', source], { stdinPath: '/dev/zero', timeoutMs: PROMPT_MS });
    assert.equal(result.killed, false, `inspect ${source} < /dev/zero did not end`);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error MTLS_INPUT_TOO_LARGE:/m);
    assert.match(result.stderr, /standard input gave more than 32 MiB/);
    // The cap, one copy in Buffer.concat, and Node: not the unbounded growth of before.
    assert.ok(result.maxRssMb < 400, `peak RSS ${result.maxRssMb} MB`);
  }
});

test('inspect and match refuse a FIFO or a device path before reading it', async () => {
  const pipe = fifo(join(dir, 'credential-pipe'));
  for (const args of [['inspect', pipe], ['inspect', '/dev/zero'], ['match', GOOD_CERT, pipe]]) {
    const result = await runCliMeasured(args, { timeoutMs: PROMPT_MS });
    assert.equal(result.killed, false, `${args.join(' ')} did not end`);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^error MTLS_FILE_UNREADABLE:/m);
    assert.match(result.stderr, / is a (FIFO|character device), not a file; it was not read\./);
  }
});

test(`fuzz: expiry and inspect of bit-flipped DER certificates never end in an internal error (seed ${fuzzSeed()})`, async (t) => {
  const der = readFileSync(join(FIXTURES, 'client.der'));
  // Every bit of the validity (both times), where a flip once made "Invalid time value" exit 3,
  // and a seeded sample of flips everywhere else.
  const times = derHeaders(der).filter((h) => h.tag === 0x17 || h.tag === 0x18);
  const notAfter = times[1];
  assert.ok(times[0] && notAfter && notAfter.lengthOctets === 1, 'notBefore and notAfter');
  const flips: [number, number][] = [];
  for (let at = times[0].offset; at < notAfter.lengthAt + 1 + (der[notAfter.lengthAt] as number); at++) for (let bit = 0; bit < 8; bit++) flips.push([at, bit]);
  const random = seededRandom(fuzzSeed());
  for (let i = 0; i < 150; i++) flips.push([random.int(der.length), random.int(8)]);
  const problems: string[] = [];
  const codes = new Map<number, number>();
  // The first run of each command loads its modules: not the time a damaged input costs.
  for (const command of ['expiry', 'inspect']) await runInProcess([command, GOOD_CERT]);
  for (const [i, [at, bit]] of flips.entries()) {
    const path = join(dir, `flipped-${at}-${bit}.der`);
    writeFileSync(path, flipBit(der, at, bit));
    for (const command of i % 4 === 0 ? ['expiry', 'inspect'] : ['expiry']) {
      const json = i % 3 === 0;
      const outcome = await timed(() => runInProcess([command, path, ...(json ? ['--json'] : [])]));
      codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
      const problem = runProblem(outcome, json);
      if (problem) problems.push(`${command} with byte ${at} bit ${bit} flipped: ${problem}`);
    }
  }
  t.diagnostic(`${flips.length} flips; exit codes: ${[...codes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
  assert.deepEqual(problems, [], `seed ${fuzzSeed()}; replay: FUZZ_SEED=${fuzzSeed()} npm test -- hardening/bounded`);
});

test('ca init --dir /proc/x fails with MTLS_WRITE_FAILED at once instead of spinning', { skip: !existsSync('/proc/self') && 'no /proc here' }, async () => {
  const result = await runCliMeasured(['ca', 'init', '--dir', '/proc/mtls-test/pki'], { timeoutMs: PROMPT_MS });
  assert.equal(result.killed, false, 'ca init did not end');
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /^error MTLS_WRITE_FAILED:/m);
  assert.match(result.stderr, /\/proc\/mtls-test cannot be created/);
});

/** A PKCS#12 from openssl with `iterations` for its MAC and both encryptions (OpenSSL 3's defaults otherwise). */
function opensslPkcs12(iterations: number): string {
  const path = join(dir, `iter-${iterations}.p12`);
  execFileSync('openssl', ['pkcs12', '-export', '-in', GOOD_CERT, '-inkey', join(FIXTURES, 'client-key-pkcs8.pem'), '-out', path, '-passout', 'pass:bounded', '-iter', String(iterations)]);
  return path;
}

test('a PKCS#12 with 5,000,000 iterations is refused before the work (MTLS_P12_ITERATIONS_TOO_HIGH), not run for minutes', async () => {
  const p12 = opensslPkcs12(5_000_000);
  for (const args of [['inspect', p12, '--pass', 'env:P12_PASS'], ['inspect', p12], ['p12', 'inspect', p12, '--pass', 'env:P12_PASS']]) {
    const outcome = await timed(() => runInProcess(args, { env: { P12_PASS: 'bounded' } }));
    assert.equal(outcome.code, 2, outcome.stderr);
    assert.match(outcome.stderr, /^error MTLS_P12_ITERATIONS_TOO_HIGH:/m);
    assert.match(outcome.stderr, /5000000 iterations/);
    assert.match(outcome.stderr, /openssl pkcs12 -export .*-iter 10000/);
    assert.ok(outcome.ms < PROMPT_MS, `${args.join(' ')} took ${outcome.ms} ms`);
  }
  const expiry = await runInProcess(['expiry', p12]);
  assert.equal(expiry.code, 2);
  assert.match(expiry.stderr, /5000000 iterations/);
});

test('a PKCS#12 with 1,000,000 iterations (OWASP-grade) still opens, in bounded time', async () => {
  const p12 = opensslPkcs12(1_000_000);
  const opened = await timed(() => runInProcess(['inspect', p12, '--pass', 'env:P12_PASS', '--json'], { env: { P12_PASS: 'bounded' } }));
  assert.equal(opened.code, 0, opened.stderr);
  assert.ok(opened.ms < 120_000, `took ${opened.ms} ms`);
  const locked = await timed(() => runInProcess(['expiry', p12]));
  assert.equal(locked.code, 2);
  assert.match(locked.stderr, /password-protected PKCS#12 and no --pass given/);
  assert.ok(locked.ms < 120_000, `took ${locked.ms} ms`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCredential, loadCredential } from '../../src/core/load/index.js';
import { MtlsError } from '../../src/core/errors.js';
import type { LoadedSource } from '../../src/core/load/types.js';
import { runInProcess } from '../helpers/in-process.js';
import { tempDir } from '../helpers/tmp.js';
import { FIXTURE_PASS, FIXTURES, envShapedValues, leakedPiece, replayHint, writeCorpus } from './corpus.js';
import { PER_RUN_LIMIT_MS, nodeReading, parseJson, runProblem, sameSet, timed, type NodeReading } from './oracle.js';

/**
 * The fuzz corpus through the credential loader and through `mtls inspect`: every input is either
 * refused with one diagnosis (exit 2) or read exactly as Node's own crypto reads the same bytes.
 */
const dir = tempDir('mtls-fuzz-load-');
const corpus = writeCorpus(dir);
const passphrase = { origin: 'env:FUZZ_PASS', value: FIXTURE_PASS };

/** PKCS#12 has no reader in Node: a damaged file that still opens must hold the original contents. */
const p12Originals = (name: string | null): NodeReading | null => {
  if (!name?.endsWith('.p12')) return null;
  const chain = nodeReading(readFileSync(join(FIXTURES, 'client-chain-in-order.pem')), undefined);
  const key = nodeReading(readFileSync(join(FIXTURES, 'client-key-pkcs8.pem')), undefined);
  return { ...chain, keys: key.keys };
};

/** Null when the reading matches Node's; else what differs. */
function wrongReading(found: Found, input: (typeof corpus.inputs)[number]): string | null {
  const originals = p12Originals(input.source);
  if (originals) {
    const unknown = [...found.certificates, ...found.keys].filter((v) => !originals.certificates.includes(v) && !originals.keys.includes(v));
    return unknown.length === 0 ? null : `PKCS#12 read with contents that are not the original's: ${unknown.join(', ')}`;
  }
  const expected = nodeReading(input.data, input.needsPassphrase ? FIXTURE_PASS : undefined);
  if (!sameSet(found.certificates, expected.certificates)) return `certificates ${found.certificates.join(', ') || 'none'}, Node reads ${expected.certificates.join(', ') || 'none'}`;
  const unknownKeys = found.keys.filter((k) => !expected.keys.includes(k));
  if (unknownKeys.length > 0) return `keys ${unknownKeys.join(', ')} that Node does not read (Node: ${expected.keys.join(', ') || 'none'})`;
  return null;
}

type Found = Pick<NodeReading, 'certificates' | 'keys'>;

const readingOf = (source: LoadedSource): Found => ({
  certificates: source.certificates.map((c) => c.facts.fingerprintSha256),
  keys: source.keys.map((k) => k.facts.spkiSha256),
});

test(`fuzz: ${corpus.inputs.length} malformed inputs through the loader (seed ${corpus.seed})`, async (t) => {
  t.diagnostic(`seed ${corpus.seed}; replay: ${replayHint(corpus.seed)}`);
  assert.ok(corpus.inputs.length >= 500, `only ${corpus.inputs.length} inputs`);
  const problems: string[] = [];
  let refused = 0;
  for (const input of corpus.inputs) {
    const started = performance.now();
    let problem: string | null = null;
    try {
      const source = decodeCredential(
        { bytes: input.data, origin: input.path, fromBase64: false },
        { ...(input.needsPassphrase ? { passphrase } : {}), decrypt: 'optional' },
      );
      problem = wrongReading(readingOf(source), input);
    } catch (error) {
      refused++;
      if (!(error instanceof MtlsError)) problem = `threw ${(error as Error)?.name}: ${(error as Error)?.message} (would be an internal error, exit 3)`;
      else if (input.mustParse) problem = `a harmless variation was refused: ${error.code} ${error.message}`;
      else if (error.message.includes(FIXTURE_PASS)) problem = 'the passphrase appears in the message';
    }
    const ms = performance.now() - started;
    if (ms > PER_RUN_LIMIT_MS) problem ??= `took ${Math.round(ms)} ms`;
    if (problem) problems.push(`${input.name}: ${problem}`);
  }
  t.diagnostic(`${refused} refused, ${corpus.inputs.length - refused} read`);
  assert.deepEqual(problems, [], `seed ${corpus.seed}`);
});

test(`fuzz: the same inputs through \`mtls inspect\` in-process (seed ${corpus.seed})`, async (t) => {
  const problems: string[] = [];
  const codes = new Map<number, number>();
  for (const [i, input] of corpus.inputs.entries()) {
    // Every third run asks for JSON: failures must then be one error document on stdout.
    const json = i % 3 === 0;
    const args = ['inspect', input.path, ...(input.needsPassphrase ? ['--pass', 'env:FUZZ_PASS'] : []), ...(json ? ['--json'] : [])];
    const outcome = await timed(() => runInProcess(args, { env: { FUZZ_PASS: FIXTURE_PASS } }));
    codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
    let problem = runProblem(outcome, json);
    if (!problem && (outcome.stdout + outcome.stderr).includes(FIXTURE_PASS)) problem = 'the passphrase appears in the output';
    if (!problem && outcome.code === 1) problem = 'exit 1 from inspect of a file';
    if (!problem && input.mustParse && outcome.code !== 0) problem = `a harmless variation was refused: ${outcome.stderr.split('\n')[0]}`;
    if (!problem && outcome.code === 0) {
      const report = json ? parseJson(outcome.stdout) : parseJson((await runInProcess([...args, '--json'], { env: { FUZZ_PASS: FIXTURE_PASS } })).stdout);
      const source = report?.sources?.[0];
      if (!source) problem = 'exit 0 without a report';
      else {
        problem = wrongReading(
          { certificates: source.certificates.map((c: { fingerprintSha256: string }) => c.fingerprintSha256), keys: source.keys.map((k: { spkiSha256: string }) => k.spkiSha256) },
          input,
        );
      }
    }
    if (problem) problems.push(`${input.name}: ${problem}`);
  }
  t.diagnostic(`exit codes: ${[...codes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
  assert.deepEqual(problems, [], `seed ${corpus.seed}`);
});

test('env-style values (quotes, NAME=, export, ";", literal \\n, spaces) through the loader: read as Node reads them, or refused without a piece of the key', async (t) => {
  const values = envShapedValues();
  assert.ok(values.length >= 150, `only ${values.length} values`);
  const problems: string[] = [];
  const codes = new Map<string, number>();
  for (const shaped of values) {
    let outcome = 'loaded';
    try {
      const source = await loadCredential(shaped.value, { label: 'env:MTLS_KEY_PATH', secret: true, cwd: dir, ...(shaped.needsPassphrase ? { passphrase } : {}) });
      if (!shaped.source.endsWith('.p12')) {
        const expected = nodeReading(shaped.original, shaped.needsPassphrase ? FIXTURE_PASS : undefined);
        const keys = source.keys.map((k) => k.facts.spkiSha256);
        if (!sameSet(keys, expected.keys)) problems.push(`${shaped.name}: loaded keys ${keys.join(', ') || 'none'}, Node reads ${expected.keys.join(', ') || 'none'}`);
      }
    } catch (error) {
      if (!(error instanceof MtlsError)) {
        problems.push(`${shaped.name}: threw ${(error as Error)?.name} (would be an internal error, exit 3)`);
        continue;
      }
      outcome = error.code;
      const said = JSON.stringify({ message: error.message, details: error.details, fixes: error.fixes, diagnosis: error.toDiagnosis() });
      const piece = leakedPiece(said, shaped.pieces);
      if (piece) problems.push(`${shaped.name}: ${error.code} holds a piece of the key (${piece})`);
      if (said.includes(FIXTURE_PASS)) problems.push(`${shaped.name}: the passphrase appears in the message`);
    }
    codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
  }
  t.diagnostic(`${values.length} values: ${[...codes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
  assert.deepEqual(problems, []);
  // The shapes that hide a usable key are named as such, with what to remove.
  assert.ok((codes.get('MTLS_VALUE_WRAPPED') ?? 0) >= 50, 'few values were recognised as wrapped');
});

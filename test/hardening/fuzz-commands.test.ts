import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { inputDiagnoses } from '../../src/diagnoses/catalog/input.js';
import { decodeCredential } from '../../src/core/load/index.js';
import { runInProcess } from '../helpers/in-process.js';
import { runCli } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { FIXTURE_PASS, FIXTURES, envShapedValues, leakedPiece, replayHint, writeCorpus } from './corpus.js';
import { certificateKey, chainsTo, nodeReading, parseJson, reportedCode, runProblem, timed, type RunOutcome } from './oracle.js';

/**
 * The fuzz corpus through the commands that take credentials: `match`, `chain verify`, `expiry`
 * and `request` (in-process, against a closed port), and a sample of every command as real
 * processes. Each run exits 1 or 2 with a diagnosis, or 0 only when Node's crypto agrees.
 */
const dir = tempDir('mtls-fuzz-commands-');
mkdirSync(join(dir, 'corpus'));
const corpus = writeCorpus(join(dir, 'corpus'));
type Input = (typeof corpus.inputs)[number];

const fixture = (name: string) => join(FIXTURES, name);
const GOOD_CERT = fixture('client.pem');
const GOOD_KEY = fixture('client-key-pkcs8.pem');
const ROOT_CA = fixture('root-ca.pem');
const INTERMEDIATE = fixture('intermediate-ca.pem');
const env = { FUZZ_PASS: FIXTURE_PASS };
const passArgs = (input: Input) => (input.needsPassphrase ? ['--pass', 'env:FUZZ_PASS'] : []);

const isKeySource = (input: Input) => /key/.test(input.source ?? '') && !/cert-and-key/.test(input.source ?? '');
const isPkcs12 = (input: Input) => (input.source ?? '').endsWith('.p12');
const certInputs = corpus.inputs.filter((input) => !isKeySource(input));
const keyInputs = corpus.inputs.filter(isKeySource);
const goodKeySpki = nodeReading(readFileSync(GOOD_KEY), undefined).keys[0] as string;
const goodCertificate = nodeReading(readFileSync(GOOD_CERT), undefined).parsed[0];
const reading = (input: Input) => nodeReading(input.data, input.needsPassphrase ? FIXTURE_PASS : undefined);

/** Runs every case, collects what went wrong (the input's name first), and fails once with the list. */
async function fuzzCommand(
  t: { diagnostic(message: string): void },
  cases: Input[],
  args: (input: Input) => string[],
  judge: (input: Input, outcome: RunOutcome) => string | null,
): Promise<void> {
  const problems: string[] = [];
  const codes = new Map<number, number>();
  for (const [i, input] of cases.entries()) {
    const json = i % 3 === 0;
    const outcome = await timed(() => runInProcess([...args(input), ...(json ? ['--json'] : [])], { env }));
    codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
    let problem = runProblem(outcome, json);
    if (!problem && (outcome.stdout + outcome.stderr).includes(FIXTURE_PASS)) problem = 'the passphrase appears in the output';
    problem ??= judge(input, outcome);
    if (problem) problems.push(`${input.name}: ${problem}`);
  }
  t.diagnostic(`${cases.length} runs; exit codes: ${[...codes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
  assert.deepEqual(problems, [], `seed ${corpus.seed}; replay: ${replayHint(corpus.seed)}`);
}

test(`fuzz: \`mtls match\` with a damaged certificate or key (seed ${corpus.seed})`, async (t) => {
  t.diagnostic(`seed ${corpus.seed}; replay: ${replayHint(corpus.seed)}`);
  const judge = (input: Input, outcome: RunOutcome): string | null => {
    if (outcome.code === 2) return null;
    if (isPkcs12(input)) return outcome.code === 0 ? null : `exit ${outcome.code} for a PKCS#12 whose original key matches`;
    // The verdict must be Node's: the certificate's public key against the key's.
    const certificateKeys = isKeySource(input) ? [certificateKey(goodCertificate!)] : reading(input).parsed.slice(0, 1).map(certificateKey);
    const keys = isKeySource(input) ? reading(input).keys : [goodKeySpki];
    const matches = certificateKeys.some((k) => keys.includes(k));
    if (certificateKeys.length === 0 || keys.length === 0) return `exit ${outcome.code}, but Node reads no ${certificateKeys.length === 0 ? 'certificate' : 'key'}`;
    return (outcome.code === 0) === matches ? null : `exit ${outcome.code}, but Node says the pair ${matches ? 'matches' : 'does not match'}`;
  };
  await fuzzCommand(t, corpus.inputs, (input) => (isKeySource(input) ? ['match', GOOD_CERT, input.path] : isPkcs12(input) ? ['match', input.path] : ['match', input.path, GOOD_KEY]).concat(passArgs(input)), judge);
});

test(`fuzz: \`mtls chain verify\` with a damaged chain member or --cacert (seed ${corpus.seed})`, async (t) => {
  const at = new Date();
  const [root] = nodeReading(readFileSync(ROOT_CA), undefined).parsed;
  const intermediates = nodeReading(readFileSync(INTERMEDIATE), undefined).parsed;
  const chain = nodeReading(readFileSync(fixture('client-chain-in-order.pem')), undefined).parsed;
  const asLeaf = certInputs.filter((input) => !isPkcs12(input));
  const asAnchor = certInputs.filter((input) => (input.source ?? '').includes('chain') || input.source === null);
  const cases = [...asLeaf.map((input) => ({ ...input, role: 'leaf' as const })), ...asAnchor.map((input) => ({ ...input, role: 'anchor' as const }))];
  const role = new Map(cases.map((c) => [c, c.role]));
  await fuzzCommand(
    t,
    cases,
    (input) =>
      role.get(input as (typeof cases)[number]) === 'leaf'
        ? ['chain', 'verify', input.path, '--cacert', ROOT_CA, '--untrusted', INTERMEDIATE]
        : ['chain', 'verify', fixture('client-chain-in-order.pem'), '--cacert', input.path],
    (input, outcome) => {
      if (outcome.code !== 0) {
        if (input.mustParse && (input.source ?? '').includes('chain') && role.get(input as (typeof cases)[number]) === 'leaf') return `a harmless variation of a good chain failed (exit ${outcome.code})`;
        return null;
      }
      // Valid only if Node's own signature checks link the leaf to a trusted certificate.
      const found = reading(input).parsed;
      const valid =
        role.get(input as (typeof cases)[number]) === 'leaf'
          ? found.length > 0 && chainsTo(found[0]!, [...found, ...intermediates], root ? [root] : [], at)
          : chainsTo(chain[0]!, chain, found, at);
      return valid ? null : 'exit 0 (valid), but Node finds no signed path to a trusted certificate';
    },
  );
});

test(`fuzz: \`mtls request\` with a damaged --cert or --key fails on the credential, before connecting (seed ${corpus.seed})`, async (t) => {
  const port = await freePort(); // closed: nothing listens there
  const credentialCodes = new Set(Object.keys(inputDiagnoses));
  const cases = corpus.inputs.filter((_, i) => i % 3 === 1);
  await fuzzCommand(
    t,
    cases,
    (input) => {
      const credentials = isKeySource(input) ? ['--cert', GOOD_CERT, '--key', input.path] : isPkcs12(input) ? ['--cert', input.path] : ['--cert', input.path, '--key', GOOD_KEY];
      return ['request', `https://127.0.0.1:${port}/`, ...credentials, '--cacert', ROOT_CA, '--connect-timeout', '3', ...passArgs(input)];
    },
    (input, outcome) => {
      const code = reportedCode(outcome);
      if (outcome.code === 2) return credentialCodes.has(code ?? '') ? null : `exit 2 with ${code}, not a credential diagnosis`;
      if (outcome.code === 0) return 'exit 0 from a closed port';
      // Reaching the network is right only when the credentials were sound: Node reads a matching pair.
      if (code !== 'MTLS_CONNECTION_REFUSED') return `exit 1 with ${code}, expected the refused connection`;
      if (isPkcs12(input)) return null;
      const certificates = isKeySource(input) ? [goodCertificate!] : reading(input).parsed;
      const keys = isKeySource(input) ? reading(input).keys : [...reading(input).keys, goodKeySpki];
      return certificates.length > 0 && keys.includes(certificateKey(certificates[0]!)) ? null : 'connected although Node finds the certificate and key unusable';
    },
  );
});

test(`fuzz: \`mtls expiry\` over folders of good and damaged files reports the good ones and names the bad ones (seed ${corpus.seed})`, async (t) => {
  const goodFiles = ['client.pem', 'server-fullchain.pem', 'root-ca.pem'];
  const candidates = certInputs.filter((input) => input.data.length < 1 << 20);
  const folders: Input[][] = [];
  for (let i = 0; i < candidates.length; i += 25) folders.push(candidates.slice(i, i + 25));
  const problems: string[] = [];
  for (const [n, members] of folders.entries()) {
    const folder = join(dir, `expiry-${n}`);
    mkdirSync(folder);
    for (const name of goodFiles) copyFileSync(fixture(name), join(folder, name));
    for (const input of members) copyFileSync(input.path, join(folder, basename(input.path)));
    const json = n % 2 === 0;
    const outcome = await timed(() => runInProcess(['expiry', folder, '--pass', 'env:FUZZ_PASS', ...(json ? ['--json'] : [])], { env }));
    const problem = runProblem(outcome, json) ?? (outcome.code === 2 ? 'exit 2 although good certificates were found' : null);
    if (problem) {
      problems.push(`folder ${n}: ${problem}`);
      continue;
    }
    const report = parseJson(json ? outcome.stdout : (await runInProcess(['expiry', folder, '--pass', 'env:FUZZ_PASS', '--json'], { env })).stdout);
    const sources = new Set<string>((report?.rows ?? []).map((row: { source: string }) => basename(row.source)));
    const skipped = new Set<string>((report?.skipped ?? []).map((s: { source: string }) => basename(s.source)));
    for (const name of goodFiles) if (!sources.has(name)) problems.push(`folder ${n}: the good file ${name} is not reported`);
    for (const row of report?.rows ?? []) {
      if (row.failing && goodFiles.includes(basename(row.source))) problems.push(`folder ${n}: the good file ${row.source} is failing`);
    }
    if (outcome.code === 1 && !(report?.rows ?? []).some((row: { failing: boolean; source: string }) => row.failing && !goodFiles.includes(basename(row.source)))) {
      problems.push(`folder ${n}: exit 1 with no failing certificate`);
    }
    for (const input of members) {
      const name = basename(input.path);
      // expiry reads PEM and DER files (base64 text is for credential values, not files on disk).
      const pemOrDer = input.data[0] === 0x30 || input.data.includes('-----BEGIN ');
      if (pemOrDer && !isPkcs12(input) && reading(input).parsed.length > 0 && !sources.has(name) && !skipped.has(name)) {
        problems.push(`${input.name}: Node reads a certificate in it, but expiry neither reports nor names it`);
      }
    }
  }
  t.diagnostic(`${folders.length} folders, ${candidates.length} damaged files among ${goodFiles.length} good ones each`);
  assert.deepEqual(problems, [], `seed ${corpus.seed}; replay: ${replayHint(corpus.seed)}`);
});

test(
  'expiry names a damaged certificate in a folder instead of passing over it',
  async () => {
    const folder = join(dir, 'expiry-damaged');
    mkdirSync(folder);
    copyFileSync(GOOD_CERT, join(folder, 'good.pem'));
    writeFileSync(join(folder, 'truncated.der'), readFileSync(fixture('client.der')).subarray(0, 300));
    writeFileSync(join(folder, 'truncated.pem'), readFileSync(GOOD_CERT, 'utf8').slice(0, 400));
    const report = parseJson((await runInProcess(['expiry', folder, '--json'])).stdout);
    const skipped = (report?.skipped ?? []).map((s: { source: string }) => basename(s.source)).sort();
    assert.deepEqual(skipped, ['truncated.der', 'truncated.pem']);
  },
);

test(`fuzz: a sample as real processes, every command: exit 1 or 2, a diagnosis, no stack trace (seed ${corpus.seed})`, async (t) => {
  const port = await freePort();
  // Inputs the loader refuses: for these, exit 0 from any command would be wrong.
  const refused = (input: Input) => {
    try {
      decodeCredential({ bytes: input.data, origin: input.name, fromBase64: false }, { passphrase: { origin: 'env:FUZZ_PASS', value: FIXTURE_PASS } });
      return false;
    } catch {
      return true;
    }
  };
  const sample = corpus.inputs.filter((input, i) => i % 40 === 7 && input.data.length < 1 << 20 && refused(input));
  const commands: ((input: Input) => string[])[] = [
    (input) => ['inspect', input.path, ...passArgs(input)],
    (input) => ['match', input.path, GOOD_KEY, ...passArgs(input)],
    (input) => ['chain', 'verify', input.path, '--cacert', ROOT_CA],
    (input) => ['expiry', input.path, ...passArgs(input)],
    (input) => ['request', `https://127.0.0.1:${port}/`, '--cert', input.path, '--key', GOOD_KEY, '--connect-timeout', '3', ...passArgs(input)],
  ];
  const problems: string[] = [];
  const runs = sample.map((input, i) => ({ input, args: commands[i % commands.length]!(input), json: i % 2 === 1 }));
  // Two at a time: the machine has two cores, and other suites run too.
  for (let i = 0; i < runs.length; i += 2) {
    await Promise.all(
      runs.slice(i, i + 2).map(async ({ input, args, json }) => {
        const outcome = await timed(() => runCli([...args, ...(json ? ['--json'] : [])], { env }));
        const problem = runProblem(outcome, json) ?? (outcome.code === 0 ? 'exit 0 for input the loader refuses' : null);
        if (problem) problems.push(`${args[0]} ${input.name}: ${problem}`);
      }),
    );
  }
  t.diagnostic(`${runs.length} processes`);
  assert.ok(runs.length >= 10, `only ${runs.length} sampled`);
  assert.deepEqual(problems, [], `seed ${corpus.seed}; replay: ${replayHint(corpus.seed)}`);
});

test('fuzz: env-style values (quotes, NAME=, export, ";", literal \\n) as MTLS_KEY_PATH, --key, an inspect argument and doctor --ci: no exit 3, no piece of the key in any output', async (t) => {
  const port = await freePort(); // closed
  const problems: string[] = [];
  const codes = new Map<string, number>();
  const values = envShapedValues();
  for (const [i, shaped] of values.entries()) {
    const json = i % 3 === 0;
    const pass = shaped.needsPassphrase ? ['--pass', 'env:FUZZ_PASS'] : [];
    const runs: { how: string; args: string[]; env: Record<string, string> }[] = [
      { how: 'MTLS_KEY_PATH', args: ['request', `https://127.0.0.1:${port}/`, '--cert', GOOD_CERT, '--connect-timeout', '3', ...pass], env: { ...env, MTLS_KEY_PATH: shaped.value } },
      ...(i % 2 === 0 ? [{ how: 'inspect', args: ['inspect', shaped.value, ...pass], env }] : [{ how: '--key', args: ['match', GOOD_CERT, shaped.value, ...pass], env }]),
      ...(i % 3 === 1 ? [{ how: 'doctor --ci', args: ['doctor', '--cert', GOOD_CERT, '--key', shaped.value, '--ci', ...pass], env: { ...env, GITHUB_ACTIONS: 'true' } }] : []),
    ];
    for (const run of runs) {
      const outcome = await timed(() => runInProcess([...run.args, ...(json ? ['--json'] : [])], { env: run.env }));
      const code = reportedCode(outcome) ?? `exit ${outcome.code}`;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const problem =
        runProblem(outcome, json) ??
        (leakedPiece(outcome.stdout + outcome.stderr, shaped.pieces) ? `a piece of the key is in the output (${code})` : null) ??
        ((outcome.stdout + outcome.stderr).includes(FIXTURE_PASS) ? 'the passphrase appears in the output' : null);
      if (problem) problems.push(`${shaped.name} via ${run.how}: ${problem}`);
    }
  }
  t.diagnostic(`${values.length} values; diagnoses: ${[...codes].map(([code, n]) => `${code}×${n}`).join(', ')}`);
  assert.deepEqual(problems, []);
});

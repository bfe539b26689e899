import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { fuzzSeed, malformedInputs, type FuzzInput, type FuzzSources } from '../helpers/mutate.js';

/** The fuzz corpus: the fixtures (every encoding the loader reads), mutated with one seed. */
export const FIXTURES = join(ROOT, 'fixtures/credentials');
export const FIXTURE_PASS = 'fixture-pass';

const read = (name: string) => readFileSync(join(FIXTURES, name));
const text = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

export function fixtureSources(): FuzzSources {
  return {
    der: {
      'client.der': { data: read('client.der') },
      'client.csr.der': { data: pemBody(text('client.csr')) },
      'client-key-pkcs8.der': { data: read('client-key-pkcs8.der') },
      'client-key-sec1.der': { data: pemBody(text('client-key-sec1.pem')) },
      'rsa-2048-key-pkcs1.der': { data: pemBody(text('rsa-2048-key-pkcs1.pem')) },
      'client-key-pkcs8-encrypted.der': { data: read('client-key-pkcs8-encrypted.der'), needsPassphrase: true },
      'client-modern-aes256.p12': { data: read('client-modern-aes256.p12'), needsPassphrase: true },
      'client-legacy-rc2-3des.p12': { data: read('client-legacy-rc2-3des.p12'), needsPassphrase: true },
    },
    pem: {
      'client.pem': { data: text('client.pem') },
      'client-chain-in-order.pem': { data: text('client-chain-in-order.pem') },
      'client-cert-and-key.pem': { data: text('client-cert-and-key.pem') },
      'client-key-pkcs8.pem': { data: text('client-key-pkcs8.pem') },
      'client-key-sec1.pem': { data: text('client-key-sec1.pem') },
      'rsa-2048-key-pkcs1.pem': { data: text('rsa-2048-key-pkcs1.pem') },
      'client-key-pkcs8-encrypted-aes256.pem': { data: text('client-key-pkcs8-encrypted-aes256.pem'), needsPassphrase: true },
      'client-key-sec1-traditional-encrypted-aes128.pem': { data: text('client-key-sec1-traditional-encrypted-aes128.pem'), needsPassphrase: true },
      'client.csr': { data: text('client.csr') },
    },
  };
}

export interface Corpus {
  seed: number;
  inputs: (FuzzInput & { path: string })[];
}

/** Generates the corpus and writes each input to DIR (file names are indexes: names hold slashes). */
export function writeCorpus(dir: string): Corpus {
  const seed = fuzzSeed();
  const inputs = malformedInputs(seed, fixtureSources()).map((input, i) => {
    const path = join(dir, `input-${String(i).padStart(4, '0')}`);
    writeFileSync(path, input.data);
    return { ...input, path };
  });
  return { seed, inputs };
}

export const replayHint = (seed: number) => `FUZZ_SEED=${seed} npm test -- hardening/fuzz`;

/**
 * Credential values as .env files, CI variables and pasted shell lines carry them: a key's PEM or
 * base64 inside quotes, after NAME= or `export`, with a trailing ";", with literal \n for its
 * line breaks, with stray spaces. Each must load exactly as Node reads it, or be refused with
 * a diagnosis that holds no piece of the key.
 */
export interface EnvShapedValue {
  name: string;
  value: string;
  source: string;
  needsPassphrase: boolean;
  /** 20-character windows of the key material's base64: none may appear in any output. */
  pieces: string[];
  /** The fixture's own bytes, for the oracle when the value does load. */
  original: Buffer;
}

/** Every 20-character window of a key's base64 (body only, without PEM lines or headers). */
export function base64Pieces(keyBase64: string, size = 20): string[] {
  const compact = keyBase64.replace(/\s+/g, '');
  const pieces: string[] = [];
  for (let i = 0; i + size <= compact.length; i++) pieces.push(compact.slice(i, i + size));
  return pieces;
}

const pemBase64 = (pem: string) =>
  [...pem.matchAll(/-----BEGIN [A-Z ]*-----\r?\n([\s\S]*?)-----END/g)].map((m) => (m[1] ?? '').split(/\r?\n/).filter((line) => !line.includes(':')).join('')).join('');

/** The wrappers, each a function of the value (and of its PEM form, when it has one). */
const ENV_SHAPES: [string, (value: string) => string][] = [
  ['double-quotes', (v) => `"${v}"`],
  ['single-quotes', (v) => `'${v}'`],
  ['backticks', (v) => `\`${v}\``],
  ['leading-quote-only', (v) => `"${v}`],
  ['NAME=', (v) => `MTLS_KEY=${v}`],
  ['NAME="…"', (v) => `MTLS_KEY="${v}"`],
  ['export NAME=…', (v) => `export MTLS_KEY=${v}`],
  ['export NAME="…";', (v) => `export MTLS_KEY="${v}";`],
  ['trailing-semicolon', (v) => `${v};`],
  ['literal-\\n-line-breaks', (v) => v.replace(/\r?\n/g, '\\n')],
  ['literal-\\n-at-end', (v) => `${v.replace(/\s+$/, '')}\\n`],
  ['json-string', (v) => JSON.stringify(v)],
  ['surrounding-spaces', (v) => `  ${v}  `],
  ['tab-at-end', (v) => `${v}\t`],
  ['crlf', (v) => v.replace(/\r?\n/g, '\r\n')],
  // Cut short as well: no longer usable unwrapped, so described rather than named.
  ['quoted-and-cut-short', (v) => `"${v.replace(/-----[A-Z ]+-----\s*/g, '').slice(0, 50)}"`],
  ['NAME=-and-cut-short', (v) => `KEY=${v.replace(/-----[A-Z ]+-----\s*/g, '').slice(0, 41)};`],
];

export function envShapedValues(): EnvShapedValue[] {
  const { privateKey } = generateKeyPairSync('ed25519');
  const ed25519Der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const ed25519Pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sources: { name: string; forms: Record<string, string>; pieces: string[]; needsPassphrase: boolean; original: Buffer }[] = [
    { name: 'ed25519 (generated)', forms: { pem: ed25519Pem, 'der-base64': ed25519Der.toString('base64') }, pieces: base64Pieces(ed25519Der.toString('base64')), needsPassphrase: false, original: Buffer.from(ed25519Pem) },
  ];
  for (const [name, needsPassphrase] of [['client-key-pkcs8.pem', false], ['client-key-sec1.pem', false], ['rsa-2048-key-pkcs1.pem', false], ['client-cert-and-key.pem', false], ['client-key-pkcs8-encrypted-aes256.pem', true]] as const) {
    const pem = text(name);
    const keyPem = pem.slice(pem.search(/-----BEGIN [A-Z ]*PRIVATE KEY-----/));
    const body = pemBase64(keyPem);
    sources.push({ name, forms: { pem, 'pem-base64': Buffer.from(pem).toString('base64'), 'der-base64': body }, pieces: base64Pieces(body), needsPassphrase, original: read(name) });
  }
  const p12 = read('client-modern-aes256.p12');
  sources.push({ name: 'client-modern-aes256.p12', forms: { 'p12-base64': p12.toString('base64') }, pieces: base64Pieces(p12.toString('base64')), needsPassphrase: true, original: p12 });
  const values: EnvShapedValue[] = [];
  for (const source of sources) {
    for (const [form, value] of Object.entries(source.forms)) {
      for (const [shape, wrap] of ENV_SHAPES) {
        const wrapped = wrap(value);
        if (wrapped === value) continue; // literal \n of a one-line value: nothing to change
        values.push({ name: `${source.name}/${form}/${shape}`, value: wrapped, source: source.name, needsPassphrase: source.needsPassphrase, pieces: source.pieces, original: source.original });
      }
    }
  }
  return values;
}

/** The first piece of a key found in the text (whitespace and literal \n taken out first), or null. */
export function leakedPiece(text: string, pieces: Iterable<string>): string | null {
  const compact = text.replace(/\\[nr]|\s+/g, '');
  for (const piece of pieces) if (compact.includes(piece)) return piece;
  return null;
}

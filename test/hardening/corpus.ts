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

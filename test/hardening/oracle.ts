import { X509Certificate, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { STACK_TRACE } from '../helpers/cli.js';

/**
 * What Node's own crypto reads in the same bytes, independently of mtls's loader: the oracle for
 * a run that exits 0 on damaged input. The answer is right only if it reports exactly these.
 */
export interface NodeReading {
  /** SHA-256 fingerprints (colon hex, as X509Certificate.fingerprint256) of the certificates. */
  certificates: string[];
  /** The same certificates, parsed, in order. */
  parsed: X509Certificate[];
  /** SHA-256 of each private key's SubjectPublicKeyInfo (colon hex). */
  keys: string[];
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const KEY_LABELS = new Set(['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

export const colonHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').toUpperCase().match(/../g)?.join(':') ?? '';

export function spkiSha256(key: KeyObject): string {
  const spki = (key.type === 'public' ? key : createPublicKey(key)).export({ type: 'spki', format: 'der' });
  return colonHex(createHash('sha256').update(spki).digest());
}

function parseCertificate(der: Buffer): X509Certificate | null {
  try {
    return new X509Certificate(der);
  } catch {
    return null;
  }
}

/** OpenSSL's TRUSTED CERTIFICATE appends trust settings after the certificate's own TLV. */
function firstTlv(der: Buffer): Buffer {
  if (der.length < 2) return der;
  const first = der[1] as number;
  if (first < 0x80) return der.subarray(0, 2 + first);
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + (der[2 + i] ?? 0);
  return der.subarray(0, 2 + octets + length);
}

function keyFromDer(der: Buffer, passphrase: string | undefined): KeyObject | null {
  for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
    try {
      return createPrivateKey({ key: der, format: 'der', type, ...(type === 'pkcs8' && passphrase !== undefined ? { passphrase } : {}) });
    } catch {
      /* try the next encoding */
    }
  }
  return null;
}

/**
 * Layout is not content: 64-column, padded base64 (OpenSSL balks at long lines in some blocks), and only
 * the headers that carry meaning (Proc-Type, DEK-Info); a comment header does not change the key.
 */
function rewrapped(label: string, body: string): string {
  const lines = body.split(/\r?\n/);
  const headers = lines.filter((line) => /^(Proc-Type|DEK-Info):/.test(line));
  // Decoded and encoded again: missing padding is a matter of layout too.
  const base64 = Buffer.from(lines.filter((line) => !line.includes(':')).join('').replace(/\s+/g, ''), 'base64').toString('base64');
  const wrapped = base64.match(/.{1,64}/g)?.join('\n') ?? '';
  return `-----BEGIN ${label}-----\n${headers.length > 0 ? `${headers.join('\n')}\n\n` : ''}${wrapped}\n-----END ${label}-----\n`;
}

export function nodeReading(data: Buffer, passphrase: string | undefined): NodeReading {
  const reading: NodeReading = { certificates: [], parsed: [], keys: [] };
  const addCertificate = (der: Buffer) => {
    const certificate = parseCertificate(der);
    if (!certificate) return;
    reading.parsed.push(certificate);
    reading.certificates.push(certificate.fingerprint256);
  };
  const text = data.toString('latin1');
  if (text.includes('-----BEGIN ')) {
    for (const match of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
      const [, label = '', body = ''] = match;
      if (CERTIFICATE_LABELS.has(label)) {
        // Header lines ("Name: value") are allowed in any block, as OpenSSL's PEM reader allows them.
        const der = Buffer.from(body.split(/\r?\n/).filter((line) => !line.includes(':')).join(''), 'base64');
        addCertificate(label === 'TRUSTED CERTIFICATE' ? firstTlv(der) : der);
      } else if (KEY_LABELS.has(label)) {
        try {
          reading.keys.push(spkiSha256(createPrivateKey({ key: rewrapped(label, body), format: 'pem', ...(passphrase !== undefined ? { passphrase } : {}) })));
        } catch {
          /* Node cannot read it either */
        }
      }
    }
    return reading;
  }
  if (data[0] === 0x30) {
    addCertificate(data);
    const key = keyFromDer(data, passphrase);
    if (key) reading.keys.push(spkiSha256(key));
    return reading;
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length >= 64 && /^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return nodeReading(Buffer.from(compact, 'base64'), passphrase);
  return reading;
}

/** The SubjectPublicKeyInfo hash of a certificate's key, to compare with a private key's. */
export const certificateKey = (certificate: X509Certificate) => spkiSha256(certificate.publicKey);

function signedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** True when signatures link `leaf` through `pool` to one of `anchors`, each valid at `at`. */
export function chainsTo(leaf: X509Certificate, pool: X509Certificate[], anchors: X509Certificate[], at: Date, depth = 6): boolean {
  if (Date.parse(leaf.validFrom) > at.getTime() || Date.parse(leaf.validTo) < at.getTime()) return false;
  if (anchors.some((anchor) => anchor.fingerprint256 === leaf.fingerprint256 || signedBy(leaf, anchor))) return true;
  if (depth === 0) return false;
  return pool.some((issuer) => issuer.fingerprint256 !== leaf.fingerprint256 && signedBy(leaf, issuer) && chainsTo(issuer, pool, anchors, at, depth - 1));
}

export const sameSet = (a: string[], b: string[]) => {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
};

export interface RunOutcome {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A generous hang guard, not a speed assertion. */
export const PER_RUN_LIMIT_MS = 5_000;

/**
 * What every run must show, whatever the input: an exit code of 0, 1 or 2 (never 3, never a
 * crash), no stack trace, finished within the hang guard, and when it failed, one diagnosis (on
 * stderr, and with --json also as an error document on stdout). Returns the problem, or null.
 */
export function runProblem(outcome: RunOutcome, json: boolean): string | null {
  const all = outcome.stdout + outcome.stderr;
  if (STACK_TRACE.test(all)) return `stack trace in the output:\n${all.slice(0, 2000)}`;
  if (/internal error/i.test(all) || outcome.code === 3) return `internal error (exit ${outcome.code}): ${outcome.stderr.slice(0, 500)}`;
  if (![0, 1, 2].includes(outcome.code)) return `exit ${outcome.code}`;
  if (outcome.ms > PER_RUN_LIMIT_MS) return `took ${outcome.ms} ms`;
  if (outcome.code === 2) {
    if (!/^error MTLS_[A-Z0-9_]+:/m.test(outcome.stderr)) return `exit 2 without a diagnosis on stderr: ${outcome.stderr.slice(0, 300)}`;
    if (json) {
      const doc = parseJson(outcome.stdout);
      if (!doc || doc.kind !== 'error' || typeof doc.error?.code !== 'string') return `--json: no error document on stdout: ${outcome.stdout.slice(0, 300)}`;
    } else if (outcome.stdout !== '') return `exit 2 with output on stdout: ${outcome.stdout.slice(0, 300)}`;
  }
  return null;
}

export function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The diagnosis code a failed run reported (from the JSON document, else from stderr). */
export function reportedCode(outcome: RunOutcome): string | undefined {
  return parseJson(outcome.stdout)?.error?.code ?? /^error (MTLS_[A-Z0-9_]+):/m.exec(outcome.stderr)?.[1];
}

export async function timed<T extends { code: number; stdout: string; stderr: string }>(run: () => Promise<T>): Promise<RunOutcome> {
  const started = performance.now();
  const result = await run();
  return { code: result.code, stdout: result.stdout, stderr: result.stderr, ms: Math.round(performance.now() - started) };
}

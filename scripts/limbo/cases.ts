/**
 * The x509-limbo suite mapped onto `verifyChain`, in-process (the same core function `chain verify`
 * calls), as the limbo harnesses map a case: trusted_certs → anchors, untrusted_intermediates →
 * the untrusted pool, validation_time → the time, expected_peer_name → host/IP/email,
 * validation_kind and extended_key_usage → purpose, max_chain_depth → the depth limit, crls → CRLs.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { verifyChain, type VerifyChainInput } from '../../src/core/chain/verify.js';
import { trustAnchorsFrom } from '../../src/core/chain/trust.js';
import { parsePem } from '../../src/core/load/pem.js';
import { parseCertificate, type ParsedCertificate } from '../../src/core/certificate/parse.js';
import { readCrls } from '../../src/core/chain/crl.js';

export interface LimboCase {
  id: string;
  features?: string[] | null;
  description: string;
  validation_kind: 'SERVER' | 'CLIENT';
  trusted_certs: string[];
  untrusted_intermediates: string[];
  peer_certificate: string;
  validation_time: string | null;
  extended_key_usage: string[] | null;
  key_usage: string[] | null;
  expected_peer_name: { kind: 'DNS' | 'IP' | 'RFC822'; value: string } | null;
  max_chain_depth: number | null;
  crls: string[];
  expected_result: 'SUCCESS' | 'FAILURE';
}

export interface LimboOutcome {
  id: string;
  expected: 'pass' | 'fail';
  actual: 'pass' | 'fail' | 'error';
  /** The verdict sentence, or the error message. */
  detail: string;
  ms: number;
}

/** Where the compiled suite lives: $LIMBO_DIR, else the shared data folder, else ../shared/data (CI). */
export function limboPath(): string | null {
  const candidates = [process.env.LIMBO_DIR, '/work/shared/data/x509-limbo', resolve('../shared/data/x509-limbo')].filter((d): d is string => !!d);
  for (const dir of candidates) {
    try {
      readFileSync(resolve(dir, 'limbo.json.gz'), { flag: 'r' }).length;
      return resolve(dir, 'limbo.json.gz');
    } catch {
      // try the next place
    }
  }
  return null;
}

export function loadLimbo(path: string): LimboCase[] {
  return (JSON.parse(gunzipSync(readFileSync(path)).toString('utf8')) as { testcases: LimboCase[] }).testcases;
}

/** The family a case is counted in: its id up to the second '::' (e.g. rfc5280::nc, bettertls::pathbuilding). */
export function familyOf(id: string): string {
  const parts = id.split('::');
  return parts.length > 2 ? parts.slice(0, 2).join('::') : (parts[0] as string);
}

const certificates = (pems: string[], label: string): ParsedCertificate[] =>
  pems.flatMap((pem) => parsePem(pem, label).map((block) => parseCertificate(block.der, label)));

/** Pool certificates that do not parse are left out, as `chain verify` leaves out an unusable candidate. */
const usable = (pems: string[], label: string): ParsedCertificate[] =>
  pems.flatMap((pem) => parsePem(pem, label).flatMap((block) => {
    try {
      return [parseCertificate(block.der, label)];
    } catch {
      return [];
    }
  }));

/**
 * Limbo's feature tags that mark rules only pedantic validators enforce: those cases run with
 * --strict (mtls reports those rules as warnings otherwise).
 */
export const STRICT_FEATURES = ['pedantic-rfc5280', 'pedantic-serial-number', 'pedantic-webpki-eku', 'pedantic-webpki-subscriber-key', 'pedantic-public-suffix-wildcard', 'rfc5280-incompatible-with-webpki', 'has-policy-constraints'];

export function limboInput(k: LimboCase): VerifyChainInput {
  const [leaf] = certificates([k.peer_certificate], 'peer certificate');
  const eku = k.extended_key_usage ?? [];
  const purpose = eku.includes('clientAuth') || (eku.length === 0 && k.validation_kind === 'CLIENT') ? 'client' : eku.includes('serverAuth') || k.validation_kind === 'SERVER' ? 'server' : 'any';
  const name = k.expected_peer_name;
  return {
    leaf: leaf as ParsedCertificate,
    untrusted: usable(k.untrusted_intermediates, 'untrusted intermediate'),
    trust: trustAnchorsFrom(certificates(k.trusted_certs, 'trusted certificate'), '--cacert'),
    purpose,
    ...(name && name.kind !== 'RFC822' ? { host: name.value } : {}),
    ...(name?.kind === 'RFC822' ? { email: name.value } : {}),
    ...(k.max_chain_depth !== null ? { maxDepth: k.max_chain_depth } : {}),
    ...(k.crls.length > 0 ? { crls: k.crls.flatMap((pem, i) => readCrls(Buffer.from(pem), `crls[${i}]`)) } : {}),
    ...((k.features ?? []).some((f) => STRICT_FEATURES.includes(f)) ? { strict: true } : {}),
    // limbo's key_usage lists what the validator is asked to require; none asked, none checked (--no-leaf-key-usage).
    ...((k.key_usage ?? []).length === 0 ? { leafKeyUsage: false } : {}),
    at: k.validation_time ? new Date(k.validation_time) : new Date(),
  };
}

/** Runs one case; an exception is an 'error' (what `chain verify` shows as exit 2 or 3). */
export function runLimboCase(k: LimboCase): LimboOutcome {
  const started = performance.now();
  const expected = k.expected_result === 'SUCCESS' ? 'pass' : 'fail';
  try {
    const result = verifyChain(limboInput(k));
    return { id: k.id, expected, actual: result.valid ? 'pass' : 'fail', detail: result.verdict, ms: performance.now() - started };
  } catch (error) {
    return { id: k.id, expected, actual: 'error', detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error), ms: performance.now() - started };
  }
}

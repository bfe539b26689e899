import { linkBundle } from '../certificate/bundle.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import type { Identity } from '../load/identity.js';
import type { LoadedKey } from '../load/types.js';
import type { Threshold } from '../time/duration.js';
import { algorithmsCheck, keyMatchCheck, namesCheck, noCertificate, publicCaCheck, usageCheck, validityCheck } from './certificate.js';
import { bundleCheck, caExpiryCheck, caLinks, chainCheck } from './chain.js';
import { loadInputs, type CredentialSettings, type InputContext } from './inputs.js';
import { skipped, type DoctorCheck, type Role } from './types.js';

export interface LocalOptions extends InputContext {
  role: Role;
  failWithin: Threshold;
  now: Date;
}

export interface LocalOutcome {
  checks: DoctorCheck[];
  /** The identity to present to a server: only when the key belongs to the certificate. */
  identity: Identity | null;
  /** Why there is no identity to present, when a certificate was given. */
  identityProblem: string | null;
  /** The certificates the user would send, leaf first (also when the key does not match). */
  chain: ParsedCertificate[];
  /** --cacert, when it could be read. */
  ca: { certificates: ParsedCertificate[]; origin: string } | null;
}

/**
 * Every local check of a certificate/key/CA setup, in the order a person would fix them: the
 * files, the key, the certificate itself, its chain, then hygiene. Findings are values; only a
 * bug throws.
 */
export async function runLocalChecks(settings: CredentialSettings, options: LocalOptions): Promise<LocalOutcome> {
  const inputs = await loadInputs(settings, options);
  const checks = [...inputs.checks];
  const ca = inputs.ca?.certificates.length ? { certificates: inputs.ca.certificates, origin: inputs.ca.origin } : null;
  const certificates = inputs.cert?.certificates ?? [];
  const key = inputs.key?.keys[0] ?? null;
  const ordered = leafFirst(certificates, key);
  const [leaf, ...bundled] = ordered;
  const certFile = inputs.files.cert;

  if (!leaf) {
    // Without a certificate given, the one skipped line about it says enough.
    if (settings.cert) for (const [id, title] of LEAF_CHECKS) checks.push(noCertificate(id, title));
    return { checks, identity: null, identityProblem: settings.cert ? 'the certificate could not be read' : null, chain: [], ca };
  }
  let identityProblem: string | null = null;
  if (!key) {
    identityProblem = 'no private key could be opened';
    checks.push(skipped('key-match', 'Key matches certificate', 'No private key was opened (see above).'));
  } else {
    const keyFile = settings.key ? inputs.files.key : certFile;
    const match = await keyMatchCheck(leaf, { origin: inputs.cert?.origin ?? 'the certificate', ...(certFile ? { file: certFile } : {}) }, { key, origin: inputs.key?.origin ?? 'the key', ...(keyFile ? { file: keyFile } : {}) });
    checks.push(match);
    if (match.status === 'fail') identityProblem = 'the key does not belong to the certificate';
  }
  checks.push(validityCheck(leaf, options.failWithin, options.now, certFile, inputs.files.ca));
  checks.push(usageCheck(leaf, options.role, certFile));
  const publicCa = options.role === 'client' ? publicCaCheck(ordered, options.now, certFile) : null;
  if (publicCa) checks.push(publicCa);
  const chain = chainCheck({ leaf, bundled, ca, role: options.role, now: options.now, ...(certFile ? { file: certFile } : {}) });
  checks.push(chain.check);
  checks.push(caExpiryCheck(caLinks(chain.verification, bundled), options.failWithin, options.now, certFile));
  checks.push(algorithmsCheck([...ordered, ...(ca?.certificates ?? [])], certFile));
  checks.push(namesCheck(leaf, options.role, certFile));
  checks.push(bundleCheck(certificates, certFile));

  const identity = key && !identityProblem && inputs.cert && inputs.key ? { certificates: ordered, key, certSource: inputs.cert, keySource: inputs.key } : null;
  return { checks, identity, identityProblem, chain: ordered, ca };
}

/** Shown as skipped when no certificate could be read, so the checklist keeps its shape. */
const LEAF_CHECKS: [string, string][] = [
  ['key-match', 'Key matches certificate'],
  ['validity', 'Validity'],
  ['usage', 'Key usage fits the role'],
  ['chain', 'Chain to a trusted CA'],
  ['ca-expiry', 'CA certificates valid'],
  ['algorithms', 'Algorithms'],
  ['names', 'Names'],
  ['bundle', 'Bundle contents'],
];

/** The certificate holding the key's public key is the leaf; without a match, the one that issued nothing else. */
function leafFirst(certificates: ParsedCertificate[], key: LoadedKey | null): ParsedCertificate[] {
  if (certificates.length === 0) return [];
  let index = key ? certificates.findIndex((c) => c.facts.publicKey.spkiSha256 === key.facts.spkiSha256) : -1;
  // A key that opens a CA certificate of the bundle is the wrong key for the leaf, not a new leaf.
  if (index >= 0 && certificates[index]?.facts.isCa && certificates.some((c) => !c.facts.isCa)) index = -1;
  if (index < 0) index = linkBundle(certificates).path[0] ?? 0;
  return [certificates[index] as ParsedCertificate, ...certificates.filter((_, i) => i !== index)];
}

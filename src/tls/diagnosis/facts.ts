import type { CertificateFacts } from '../../core/certificate/parse.js';
import { WEAK_SIGNATURE_ALGORITHMS } from '../../core/certificate/oids.js';
import { ekuAllows } from '../../core/chain/purpose.js';
import { CLIENT_AUTH_OID, clientAuthSunsetFor, nodeNameFormat, type ClientAuthSunset } from '../../core/public-ca/client-auth-sunset.js';

import type { UserFiles } from '../../core/doctor/fixes.js';

export type { UserFiles };

/** A certificate found beside the user's certificate file (an intermediate they may have forgotten). */
export interface NearbyCertificate {
  file: string;
  facts: CertificateFacts;
  /** The file holds CA certificates only (an intermediate.crt, not someone's bundle). */
  caOnly?: boolean;
}

/**
 * How the issuer of what the client sends relates to the CA names of the server's TLS 1.2
 * CertificateRequest. OpenSSL-based servers accept any path that reaches a listed CA, so:
 * 'listed': the leaf's own issuer is listed; 'path-listed': the path reaches a listed CA through
 * an intermediate that was sent (the recommended setup); 'unlisted': neither; null: no list
 * (TLS 1.3 only, not asked, or the server names none).
 */
export type IssuerStanding = 'listed' | 'path-listed' | 'unlisted' | null;

/** The plain facts about the client certificate in hand: what a rule may look at. */
export interface ClientFacts {
  leaf: CertificateFacts;
  chain: CertificateFacts[];
  files: UserFiles;
  /** The first certificate of the sent chain past its notAfter, and the first before its notBefore. */
  expired: CertificateFacts | null;
  notYetValid: CertificateFacts | null;
  /** EKU present without clientAuth, or key usage without a signing use. */
  notForClientAuth: boolean;
  /** RSA (or DSA) key under 2048 bits in the leaf: OpenSSL security level 2 says "EE certificate key too weak". */
  weakKey: { algorithm: string; bits: number } | null;
  /** A certificate of the sent chain signed with MD5 or SHA-1 (OpenSSL: "ca md too weak"). */
  weakSignature: { name: string; algorithm: string } | null;
  issuer: IssuerStanding;
  /** The listed CA the path reaches (for 'listed' and 'path-listed'). */
  anchorName: string | null;
  acceptedCas: string[] | null;
  /** Why no CA list: the server speaks TLS 1.3 only (it encrypts the list), nobody asked (no probe), or another reason. */
  listUnknown: 'tls13-only' | 'not-probed' | 'other' | null;
  /**
   * The leaf is sent without the intermediate that issued it. 'known': that intermediate is at
   * hand (beside the certificate or in --cacert), `intermediate` says where; 'unknown': the
   * issuer is nowhere at hand and is not a listed CA; 'none': nothing is missing.
   */
  missingIntermediate: 'known' | 'unknown' | 'none';
  intermediate: { name: string; file: string | null } | null;
  /**
   * Whether the chain sent leads to a CA of --cacert (null without --cacert). Most private PKIs
   * use one CA for both sides, so when the server names no CAs this is the next best evidence.
   */
  reachesTrustedCa: boolean | null;
  /** The sent chain is leaf + two or more CAs: past nginx's default ssl_verify_depth of 1. */
  depth: number;
  /** A public CA that stops issuing clientAuth certificates. */
  publicCa: ClientAuthSunset | null;
  /** notAfter - notBefore, in minutes: a certificate valid for minutes breaks on small clock skews. */
  lifetimeMinutes: number;
  now: Date;
}

export interface ClientFactsInput {
  chain: CertificateFacts[];
  acceptedCas: string[] | null;
  /** The probe's outcome ('tls12', 'tls13-only', …); null when no probe ran. */
  probeOutcome?: string | null;
  /** --cacert's certificates (may hold the intermediate); null without --cacert. */
  trustedCas: CertificateFacts[] | null;
  nearby: NearbyCertificate[];
  files: UserFiles;
  now: Date;
}

export function clientFacts(input: ClientFactsInput): ClientFacts | null {
  const { chain, now } = input;
  const leaf = chain[0];
  if (!leaf) return null;
  const accepted = input.acceptedCas && input.acceptedCas.length > 0 ? input.acceptedCas : null;
  const standing = issuerStanding(chain, accepted);
  const missing = missingIntermediate(input, standing.issuer);
  return {
    leaf,
    chain,
    files: input.files,
    expired: chain.find((c) => new Date(c.notAfter) < now) ?? null,
    notYetValid: chain.find((c) => new Date(c.notBefore) > now) ?? null,
    // The same rule as chain verification (OpenSSL's): anyExtendedKeyUsage alone does not allow clientAuth.
    notForClientAuth: !ekuAllows(leaf, 'client') || (leaf.keyUsage !== null && !leaf.keyUsage.includes('digitalSignature')),
    weakKey: weakKey(leaf),
    weakSignature: weakSignature(chain),
    ...standing,
    acceptedCas: accepted,
    listUnknown: input.acceptedCas !== null ? null : input.probeOutcome === 'tls13-only' ? 'tls13-only' : input.probeOutcome ? 'other' : 'not-probed',
    ...missing,
    reachesTrustedCa: reaches(chain, input.trustedCas),
    depth: chain.length,
    publicCa: leaf.extendedKeyUsage?.includes('clientAuth') ? clientAuthSunsetFor([CLIENT_AUTH_OID], chain.map((c) => nodeNameFormat(c.issuer))) : null,
    lifetimeMinutes: (Date.parse(leaf.notAfter) - Date.parse(leaf.notBefore)) / 60_000,
    now,
  };
}

/** Case 2 of issue 14: only the leaf's issuer, or a sent intermediate's issuer, can anchor the path. */
function issuerStanding(chain: CertificateFacts[], accepted: string[] | null): { issuer: IssuerStanding; anchorName: string | null } {
  const leaf = chain[0] as CertificateFacts;
  if (!accepted) return { issuer: null, anchorName: null };
  if (accepted.includes(leaf.issuer)) return { issuer: 'listed', anchorName: leaf.issuer };
  // Walk up what was sent: each link must be the issuer of the one below it.
  let below = leaf;
  for (const ca of chain.slice(1)) {
    if (ca.subject !== below.issuer) continue;
    if (accepted.includes(ca.subject)) return { issuer: 'path-listed', anchorName: ca.subject };
    if (accepted.includes(ca.issuer)) return { issuer: 'path-listed', anchorName: ca.issuer };
    below = ca;
  }
  return { issuer: 'unlisted', anchorName: null };
}

function missingIntermediate(input: ClientFactsInput, issuer: IssuerStanding): Pick<ClientFacts, 'missingIntermediate' | 'intermediate'> {
  const none = { missingIntermediate: 'none' as const, intermediate: null };
  if (issuer === 'listed' || issuer === 'path-listed') return none;
  const top = input.chain.at(-1) as CertificateFacts;
  if (top.selfIssued) return none;
  const fromCa = input.trustedCas?.find((c) => c.subject === top.issuer) ?? null;
  const candidates = input.nearby.filter((n) => n.facts.subject === top.issuer && n.facts.isCa);
  const nearby = candidates.find((n) => n.caOnly) ?? candidates[0] ?? null;
  const found = nearby?.facts ?? fromCa;
  if (!found) return input.acceptedCas && input.acceptedCas.length > 0 ? { missingIntermediate: 'unknown', intermediate: null } : none;
  // The issuer is a root: nothing sits between it and the leaf.
  if (found.selfIssued) return none;
  return { missingIntermediate: 'known', intermediate: { name: found.subject, file: nearby?.file ?? input.files.ca } };
}

function weakKey(leaf: CertificateFacts): ClientFacts['weakKey'] {
  const { algorithm, bits } = leaf.publicKey;
  if ((algorithm.startsWith('RSA') || algorithm === 'DSA') && bits !== null && bits !== undefined && bits < 2048) return { algorithm, bits };
  return null;
}

function weakSignature(chain: CertificateFacts[]): ClientFacts['weakSignature'] {
  // A root's self-signature is never checked: it is trusted by being in the store.
  const weak = chain.find((c) => WEAK_SIGNATURE_ALGORITHMS.has(c.signatureAlgorithm) && !c.selfSigned);
  return weak ? { name: weak.subjectCommonName ?? weak.subject, algorithm: weak.signatureAlgorithm } : null;
}

/** Walks leaf → issuer through what was sent until a --cacert subject is met. */
function reaches(chain: CertificateFacts[], trusted: CertificateFacts[] | null): boolean | null {
  if (!trusted || trusted.length === 0) return null;
  const subjects = new Set(trusted.map((c) => c.subject));
  let current = chain[0] as CertificateFacts;
  for (let step = 0; step <= chain.length; step++) {
    if (subjects.has(current.issuer)) return true;
    const next = chain.find((c) => c !== current && c.subject === current.issuer);
    if (!next) return false;
    current = next;
  }
  return false;
}

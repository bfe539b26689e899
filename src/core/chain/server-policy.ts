import { parseCertificateQuickly } from '../certificate/facts.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import type { TrustAnchors } from './trust.js';
import type { ChainProblem, ChainRule } from './types.js';
import { verifyChain } from './verify.js';

/**
 * Rules left to the TLS stack: it built the path from the real trust store (--cacert or Node's
 * roots), so whether the chain reaches an anchor is its verdict, not ours.
 */
const LEFT_TO_THE_TLS_STACK = new Set<ChainRule>(['issuer-missing', 'untrusted-root', 'signature', 'too-deep']);

/** One line per slot of the connection record (Node's authorizationError, the host name error); null where mtls agrees with Node. */
export interface ServerChainVerdict {
  chainError: string | null;
  hostError: string | null;
}

type Parse = (der: Buffer, label: string) => ParsedCertificate | null;

/**
 * What `request`, `doctor` and the library apply on top of Node's TLS verification, so that they
 * agree with `chain verify` on what is valid: the chain Node verified (leaf first, as
 * `getPeerCertificate(true)` gives it, ending at the anchor from the trust store) is run through
 * the same checks as `chain verify --purpose server --host NAME`: the crypto policy (SHA-1 and
 * MD5 signatures, RSA under 2048, DSA, odd curves, explicit parameters), name constraints on
 * every certificate below a constrained CA (the wildcard-versus-excluded rule included), the
 * RFC 5280 profile rules that are not pedantic, the host name as `chain verify` matches it (SAN
 * only, no wildcard over a public suffix), and the rest (validity, CA, pathLen, EKU), which Node
 * already checks and so adds nothing there. Call it only when Node accepted the chain. Returns
 * the problems, most fundamental first (empty when mtls agrees with Node), or null when a
 * certificate needs the full ASN.1 reader (`parse` returned null): see serverChainVerdictFull.
 */
export function serverChainPolicyProblems(chain: Buffer[], host: string, now: Date, parse: Parse = quickOrNull): ChainProblem[] | null {
  if (chain.length === 0) return [];
  const parsed: ParsedCertificate[] = [];
  for (const [i, der] of chain.entries()) {
    const cert = parse(der, i === 0 ? 'server certificate' : 'server chain');
    if (!cert) return null;
    parsed.push(cert);
  }
  const [leaf, ...rest] = parsed as [ParsedCertificate, ...ParsedCertificate[]];
  const anchor = rest.length > 0 ? (rest[rest.length - 1] as ParsedCertificate) : leaf;
  const result = verifyChain({ leaf, untrusted: rest, trust: anchorOf(anchor), purpose: 'server', host, at: now });
  return result.problems.filter((p) => !LEFT_TO_THE_TLS_STACK.has(p.rule));
}

/**
 * The verdict with the DER reader alone (no ASN.1 schema: `request` stays lean and this runs
 * synchronously, before the client certificate leaves); null when a certificate is out of the
 * ordinary and needs serverChainVerdictFull.
 */
export function serverChainVerdict(chain: Buffer[], host: string, now: Date): ServerChainVerdict | null {
  const problems = serverChainPolicyProblems(chain, host, now);
  return problems ? verdictOf(problems) : null;
}

/** The same with the full reader, loaded on demand, for a chain serverChainVerdict could not read. A certificate neither reads is left to Node's verdict. */
export async function serverChainVerdictFull(chain: Buffer[], host: string, now: Date): Promise<ServerChainVerdict> {
  const { parseCertificate } = await import('../certificate/parse.js');
  const problems = serverChainPolicyProblems(chain, host, now, (der, label) => {
    try {
      return parseCertificate(der, label);
    } catch {
      return null;
    }
  });
  return verdictOf(problems ?? []);
}

function verdictOf(problems: ChainProblem[]): ServerChainVerdict {
  // The diagnosis puts the line in a sentence of its own: no final period.
  const line = (p: ChainProblem | undefined) => (p ? `${p.code}: ${p.summary.replace(/\.$/, '')}` : null);
  return { chainError: line(problems.find((p) => p.rule !== 'host')), hostError: line(problems.find((p) => p.rule === 'host')) };
}

function quickOrNull(der: Buffer, label: string): ParsedCertificate | null {
  try {
    return parseCertificateQuickly(der, label);
  } catch {
    return null;
  }
}

/** The anchor Node's verification ended at (trust.ts's trustAnchorsFrom would load the ASN.1 reader). */
function anchorOf(anchor: ParsedCertificate): TrustAnchors {
  return {
    source: 'cacert',
    origin: 'the trust store Node verified against',
    count: 1,
    named: (issuerName) => (anchor.x509.subject === issuerName ? [anchor] : []),
    contains: (certificate) => certificate.facts.fingerprintSha256 === anchor.facts.fingerprintSha256,
  };
}

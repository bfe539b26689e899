import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import type { ClientFacts } from './facts.js';
import { notYetValidFix, otherCaFix, renewFix, sendIntermediateFix } from './fixes.js';

/**
 * How the server said no to the certificate that was sent: an alert (which names a reason or
 * not: stacks differ), a close without an alert (Node https, the JDK), or an HTTP page.
 */
export type Refusal =
  | { kind: 'alert'; name: string }
  | { kind: 'closed'; afterHandshake: boolean }
  | { kind: 'http'; status: number; stated: DiagnosisCode | null };

/**
 * One row of the table: a cause, the code it gives, what the certificate in hand says about it
 * (true: it shows it, false: it shows the opposite, null: cannot tell), the alerts that name it,
 * and the fixes. The weight ranks it (see weigh).
 */
export interface Rule {
  id: string;
  code: DiagnosisCode;
  cause: string;
  /** The weight when the certificate in hand shows the cause: how sure the facts make it. */
  inHandWeight: number | ((f: ClientFacts) => number);
  /** The weight with no alert and nothing in hand either way: how often it is the reason. */
  prior: number;
  alerts: readonly string[];
  /** The weight when an alert names it and the certificate cannot tell (default 80). */
  namedWeight?: number;
  /** The weight when an alert names it and the certificate rules it out (default 40). */
  contradictedWeight?: number;
  inHand(f: ClientFacts): boolean | null;
  /** `named`: the server's own alert or page names this cause. */
  evidence(f: ClientFacts, named: boolean): string;
  fixes(f: ClientFacts, named: boolean): string[];
}

export const REFUSAL_RULES: readonly Rule[] = [
  {
    id: 'expired',
    code: 'MTLS_CLIENT_CERT_EXPIRED',
    cause: 'Your certificate has expired',
    inHandWeight: 95,
    prior: 0,
    alerts: ['certificate_expired'],
    inHand: (f) => f.expired !== null,
    evidence: (f) => (f.expired && f.expired !== f.leaf ? `"${f.expired.subjectCommonName ?? f.expired.subject}" in your chain expired on ${f.expired.notAfter}` : `valid until ${f.leaf.notAfter}`),
    fixes: (f) => [renewFix(f.files)],
  },
  {
    id: 'not-yet-valid',
    code: 'MTLS_CLIENT_CERT_NOT_YET_VALID',
    cause: 'Your certificate is not valid yet',
    inHandWeight: 95,
    prior: 0,
    // OpenSSL and wolfSSL send certificate_expired for a start date in the future too: the dates in hand decide.
    alerts: ['certificate_expired'],
    inHand: (f) => f.notYetValid !== null,
    evidence: (f) => `valid from ${(f.notYetValid ?? f.leaf).notBefore}`,
    fixes: notYetValidFix,
  },
  {
    id: 'usage',
    code: 'MTLS_CLIENT_CERT_WRONG_USAGE',
    cause: 'Your certificate is not meant for client authentication (no clientAuth in its extended key usage, or a key usage without digitalSignature)',
    inHandWeight: 90,
    prior: 0,
    alerts: ['unsupported_certificate'],
    inHand: (f) => f.notForClientAuth,
    evidence: (f) => `extended key usage: ${f.leaf.extendedKeyUsage?.join(', ') ?? '(none: any use)'}; key usage: ${f.leaf.keyUsage?.join(', ') ?? '(none: any use)'}`,
    fixes: () => ['Issue a client certificate (clientAuth): `mtls issue client NAME`.'],
  },
  {
    id: 'unknown-ca',
    code: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
    cause: 'The server does not trust the CA that issued your certificate',
    // Below the certificate's own faults; by --cacert alone (the server names no CAs) a little lower still.
    inHandWeight: (f) => (f.issuer === 'unlisted' ? 85 : 81),
    prior: 20,
    alerts: ['unknown_ca'],
    inHand: (f) => (f.issuer === 'unlisted' ? true : f.issuer === null ? (f.reachesTrustedCa === false ? true : null) : false),
    evidence: (f, named) =>
      f.issuer === 'unlisted'
        ? `your certificate was issued by "${f.leaf.issuer}"${f.leaf.selfSigned ? ' (it is self-signed)' : ''}; the server accepts ${f.acceptedCas?.map((n) => `"${n}"`).join(', ')}`
        : f.issuer === null
          ? f.reachesTrustedCa === false
            ? `your certificate was issued by "${f.leaf.issuer}"${f.leaf.selfSigned ? ' (it is self-signed)' : ''}, which does not lead to the CA you trust for this server (--cacert); the server does not name the CAs it accepts`
            : `your certificate was issued by "${f.leaf.issuer}"; the CAs the server accepts could not be read`
          : named
            ? // Names are not keys: a CA re-created under the same name is listed but is not the one.
              `your chain leads to "${f.anchorName}", a CA name the server lists, yet it refused it as unknown: a different CA with the same name (re-created CA?)`
            : `your chain leads to "${f.anchorName}", a CA the server accepts`,
    fixes: (f, named) =>
      named && (f.issuer === 'listed' || f.issuer === 'path-listed')
        ? [`The server lists a CA named "${f.anchorName}", but not the one behind your certificate: names are not keys, so the CA was probably re-created. Issue a new certificate from the CA the server trusts now, or give the server the current CA.`]
        : [otherCaFix(f)],
  },
  {
    id: 'missing-intermediate',
    code: 'MTLS_CLIENT_CERT_UNKNOWN_CA',
    cause: 'Your certificate was sent without the intermediate CA that issued it, so the server cannot link it to a CA it trusts',
    inHandWeight: 92,
    prior: 0,
    alerts: ['unknown_ca'],
    namedWeight: 45,
    // 'none': the leaf's issuer is a root at hand or a listed CA: nothing is missing, whatever the alert.
    contradictedWeight: 0,
    inHand: (f) => (f.missingIntermediate === 'known' ? true : f.missingIntermediate === 'none' ? false : null),
    evidence: (f) => `you send ${f.chain.length} certificate(s); "${f.leaf.issuer}" issued the leaf${f.intermediate?.file ? ` and is in ${f.intermediate.file}` : ''}${f.acceptedCas ? `; the server accepts ${f.acceptedCas.map((n) => `"${n}"`).join(', ')}` : ''}`,
    fixes: (f) => [sendIntermediateFix(f)],
  },
  {
    id: 'weak-key',
    code: 'MTLS_CLIENT_CERT_KEY_TOO_WEAK',
    cause: 'Your certificate\'s key is too small for the server (OpenSSL security level 2 logs "EE certificate key too weak")',
    inHandWeight: 88,
    prior: 0,
    // mbedTLS says unsupported_certificate, OpenSSL bad_certificate or handshake_failure.
    alerts: ['insufficient_security'],
    inHand: (f) => f.weakKey !== null,
    evidence: (f) => `${f.weakKey?.algorithm ?? 'RSA'} ${f.weakKey?.bits ?? '?'} bits; servers at OpenSSL security level 2 (Debian's default) need 2048`,
    fixes: () => ['Issue a new client certificate with a 2048-bit (or larger) RSA key or an EC key: `mtls issue client NAME` (EC P-256 by default).'],
  },
  {
    id: 'weak-signature',
    code: 'MTLS_CLIENT_CERT_WEAK_SIGNATURE',
    cause: 'A certificate of your chain is signed with MD5 or SHA-1, which servers refuse (OpenSSL: "ca md too weak")',
    inHandWeight: 87,
    prior: 0,
    alerts: ['insufficient_security'],
    inHand: (f) => f.weakSignature !== null,
    evidence: (f) => `"${f.weakSignature?.name}" is signed with ${f.weakSignature?.algorithm}`,
    fixes: () => ['Re-issue it with a SHA-256 signature: `mtls issue client NAME` (or ask your CA).'],
  },
  {
    id: 'chain-too-deep',
    code: 'MTLS_CLIENT_CHAIN_TOO_DEEP',
    cause: 'Your chain is longer than the server verifies (nginx\'s ssl_verify_depth is 1 by default: one CA above the leaf)',
    inHandWeight: 35,
    prior: 0,
    alerts: [],
    inHand: (f) => (f.depth >= 3 ? true : false),
    evidence: (f) => `you send the leaf and ${f.depth - 1} CA certificates`,
    fixes: () => ["Have the server's operator raise its verify depth (nginx: `ssl_verify_depth 3;`, Apache: `SSLVerifyDepth 3`), or use a certificate with fewer intermediates."],
  },
  {
    id: 'revoked',
    code: 'MTLS_CLIENT_CERT_REVOKED',
    cause: 'Your certificate was revoked by its CA',
    inHandWeight: 0,
    prior: 5,
    alerts: ['certificate_revoked'],
    inHand: () => null,
    evidence: () => 'only the server\'s CRL or OCSP answer can tell',
    fixes: () => ['Get a new certificate from your CA.'],
  },
  {
    id: 'policy',
    code: 'MTLS_CLIENT_CERT_REJECTED',
    cause: 'The server accepts only particular subjects or requires something else of the certificate',
    inHandWeight: 0,
    prior: 30,
    // GnuTLS says access_denied for every failed verification: no alert names this cause for sure.
    alerts: [],
    inHand: () => null,
    evidence: () => 'the certificate in hand shows nothing wrong',
    fixes: () => [],
  },
];

/** Alerts that refuse without naming a reason on some stack or other. */
const GENERIC = new Set(['bad_certificate', 'certificate_unknown', 'handshake_failure', 'decrypt_error', 'access_denied']);

/**
 * Alerts are evidence with a weight, not the verdict: one that names a cause the certificate in
 * hand confirms adds to it; one the certificate contradicts (wolfSSL's certificate_expired for a
 * certificate not valid yet, mbedTLS's unsupported_certificate for a small key) counts for little.
 */
export function weigh(rule: Rule, f: ClientFacts, refusal: Refusal): number {
  const inHand = rule.inHand(f);
  // A server that states its exact reason (`mtls serve`'s "code:" line) outranks any guess.
  if (refusal.kind === 'http' && refusal.stated === rule.code) return inHand === false ? 50 : 150 + (inHand ? 10 : 0);
  const named = isNamed(rule, refusal);
  const weight = typeof rule.inHandWeight === 'number' ? rule.inHandWeight : rule.inHandWeight(f);
  if (inHand === true) return weight + (named ? 20 : 0);
  if (inHand === false) return named ? (rule.contradictedWeight ?? 40) : 0;
  return named ? (rule.namedWeight ?? 80) : rule.prior;
}

export interface RankedRule {
  rule: Rule;
  weight: number;
  named: boolean;
}

export function isNamed(rule: Rule, refusal: Refusal): boolean {
  return refusal.kind === 'alert' ? rule.alerts.includes(refusal.name) : refusal.kind === 'http' ? refusal.stated === rule.code : false;
}

export function rankRules(f: ClientFacts, refusal: Refusal): RankedRule[] {
  return REFUSAL_RULES.map((rule) => ({ rule, weight: weigh(rule, f, refusal), named: isNamed(rule, refusal) }))
    .filter((r) => r.weight > 0 || r.rule.id === 'unknown-ca')
    .sort((a, b) => b.weight - a.weight);
}

export function isGenericAlert(name: string): boolean {
  return GENERIC.has(name);
}

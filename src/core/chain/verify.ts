import type { ParsedCertificate } from '../certificate/parse.js';
import { isIssuedBy } from '../certificate/bundle.js';
import { relativeTime } from '../time/relative.js';
import { matchHost, type HostMatch } from './host.js';
import { nameConstraintsFinding, unhandledCriticalExtensions } from './constraints.js';
import { revocationStatus, type ParsedCrl } from './crl.js';
import { keyPolicy, signaturePolicy } from './policy.js';
import { profileFindings } from './profile.js';
import { caKeyUsageAllows, ekuAllows, leafKeyUsageAllows, PURPOSE_EKU, type Purpose } from './purpose.js';
import type { TrustAnchors } from './trust.js';
import type { ChainLink, ChainProblem, ChainVerification, LinkOrigin } from './types.js';

export interface VerifyChainInput {
  leaf: ParsedCertificate;
  /** Certificates that followed the leaf in its own file: offered as intermediates. */
  bundled?: ParsedCertificate[];
  /** --untrusted: more intermediates. */
  untrusted?: ParsedCertificate[];
  trust: TrustAnchors;
  purpose: Purpose;
  host?: string;
  /** --email: an address the leaf must hold as an rfc822Name. */
  email?: string;
  at: Date;
  /** --max-depth: most intermediates allowed between the leaf and the anchor (self-issued ones are free). */
  maxDepth?: number;
  /** --crl: revocation lists; a certificate whose issuer has one here is checked against it. */
  crls?: ParsedCrl[];
  /** --strict: the pedantic profile rules are errors, not warnings. */
  strict?: boolean;
  /** Check the leaf's keyUsage against the TLS role (default true; limbo cases that ask for no key usage turn it off). */
  leafKeyUsage?: boolean;
}

/** Deeper chains than this are a loop or an attack, not a PKI (unless --max-depth says more). */
const DEFAULT_MAX_DEPTH = 16;
/** Candidate paths (and dead ends) tried before giving up: a budget, so that a hostile bundle costs bounded time. */
const MAX_PATHS = 256;
const MAX_STEPS = 4096;

interface Step {
  cert: ParsedCertificate;
  from: LinkOrigin;
}

interface Evaluated {
  steps: Step[];
  anchored: boolean;
  problems: ChainProblem[];
  warnings: ChainProblem[];
}

/**
 * Path validation with path building: from the leaf, every candidate issuer (trust anchors, the
 * leaf's file, --untrusted) whose name matches, whose key identifiers do not contradict, and whose
 * key verifies the signature, depth first, trust anchors first; on any failure the search backs
 * up and tries the next candidate, so cross-signed roots, bridge CAs and several CAs with one name
 * work whatever the order of the input. Each complete path is checked in full: validity at `at`,
 * CA constraints, purpose, name constraints of every CA over every certificate below it, the
 * crypto policy, the RFC 5280 profile, depth, revocation and the host name. The first path with no
 * problem wins; when none is valid, the one that came closest (anchored, fewest problems) is
 * reported with its real defect. Bounded in depth and in paths tried. Broken rules are findings.
 */
export function verifyChain(input: VerifyChainInput): ChainVerification {
  const { leaf, trust, purpose, at } = input;
  const role = leafRole(purpose);
  const pool: Step[] = dedupeSteps([
    ...(input.bundled ?? []).map((cert) => ({ cert, from: 'certificate file' as const })),
    ...(input.untrusted ?? []).map((cert) => ({ cert, from: 'untrusted' as const })),
  ]);
  const maxDepth = input.maxDepth ?? DEFAULT_MAX_DEPTH;
  const searchDepth = Math.min(maxDepth, DEFAULT_MAX_DEPTH * 4) + 1;
  const issuedBy = memoIssuedBy();
  let best: Evaluated | null = null;
  let paths = 0;
  let steps = 0;
  let bounded = false;

  const consider = (path: Step[], anchored: boolean, end: ChainProblem[]): boolean => {
    paths += 1;
    const evaluated = evaluatePath(path, anchored, end, input, role);
    if (!best || better(evaluated, best)) best = evaluated;
    return evaluated.anchored && evaluated.problems.length === 0;
  };

  const search = (path: Step[]): boolean => {
    steps += 1;
    if (paths >= MAX_PATHS || steps >= MAX_STEPS) {
      bounded = true;
      return false;
    }
    const top = path[path.length - 1] as Step;
    const position = path.length - 1;
    if (top.from === 'trust anchors' || trust.contains(top.cert)) return consider(path, true, []);
    const depth = path.slice(1).filter((s) => !s.cert.facts.selfIssued).length;
    if (depth > searchDepth || path.length > searchDepth * 2 + 2) {
      bounded = true;
      return consider(path, false, [tooDeep(top.cert, position, path.length - 1, searchDepth)]);
    }
    const issuerName = top.cert.x509.issuer ?? '';
    const onPath = new Set(path.map((s) => s.cert.facts.fingerprintSha256));
    const named: Step[] = [
      ...trust.named(issuerName).map((cert) => ({ cert, from: 'trust anchors' as const })),
      ...pool.filter((s) => (s.cert.x509.subject ?? '') === issuerName && !onPath.has(s.cert.facts.fingerprintSha256)),
    ].filter((s) => !onPath.has(s.cert.facts.fingerprintSha256) || s.from === 'trust anchors');
    // Cheap filters first (key identifiers, a CA already on the path), then the signature.
    const plausible = named.filter((s) => keyIdsAgree(top.cert, s.cert) && !sameLogicalCaOnPath(s.cert, path));
    const signers = plausible.filter((s) => issuedBy(top.cert, s.cert));
    if (signers.length === 0) {
      const end = top.cert.facts.selfSigned
        ? untrustedRoot(top.cert, position, role, trust)
        : plausible.length > 0
          ? badSignature(top.cert, position, (plausible[0] as Step).cert)
          : missingIssuer(top.cert, position, role, trust);
      return consider(path, false, [end]);
    }
    // Trusted issuers first, then those with no defect of their own (a CA, valid at `at`), then the rest.
    const rank = (s: Step) => (s.from === 'trust anchors' ? 0 : 2) + (validAt(s.cert, at) && (s.cert.facts.isCa || s.cert.facts.version === 1) ? 0 : 1);
    for (const next of [...signers].sort((a, b) => rank(a) - rank(b))) {
      if (search([...path, next])) return true;
      if (bounded && (paths >= MAX_PATHS || steps >= MAX_STEPS)) break;
    }
    return false;
  };

  search([{ cert: leaf, from: 'certificate' }]);
  const chosen = best as unknown as Evaluated;
  const problems = [...chosen.problems];
  if (bounded && !(chosen.anchored && problems.length === 0) && !problems.some((p) => p.rule === 'too-deep')) {
    problems.push(problem('too-deep', 'MTLS_CHAIN_TOO_DEEP', 0, leaf,
      `Path building stopped after trying ${paths} candidate path${paths === 1 ? '' : 's'} (its bound), without finding a valid one; the closest is shown.`,
      'Pass only the intermediates the chain needs: `mtls chain build CERT --from DIR --out chain.pem`.'));
  }
  const anchored = chosen.anchored;
  const path = chosen.steps.map((step, i) => link(step, i, chosen.steps.length, anchored));
  const used = new Set(chosen.steps.map((s) => s.cert.facts.fingerprintSha256));
  const valid = problems.length === 0 && anchored;
  const hostMatch = input.host ? matchHost(input.host, leaf.facts.subjectAltNames) : null;
  return {
    valid,
    verdict: valid ? validVerdict(path, purpose, input.host ?? input.email, trust) : `${(problems[0] as ChainProblem).summary} ${(problems[0] as ChainProblem).fix}`,
    purpose,
    host: input.host ?? null,
    email: input.email ?? null,
    at: at.toISOString(),
    trust: { source: trust.source, origin: trust.origin, count: trust.count },
    path,
    anchored,
    hostMatch,
    problems,
    warnings: chosen.warnings,
    search: { paths, bounded },
    unused: dedupe(pool.filter((s) => !used.has(s.cert.facts.fingerprintSha256)).map((s) => ({ name: nameOf(s.cert), fingerprintSha256: s.cert.facts.fingerprintSha256 }))),
  };
}

/** Anchored beats not; then fewer problems; the first found wins a tie (trusted issuers are tried first). */
function better(a: Evaluated, b: Evaluated): boolean {
  if (a.anchored !== b.anchored) return a.anchored;
  return a.problems.length < b.problems.length;
}

function evaluatePath(steps: Step[], anchored: boolean, end: ChainProblem[], input: VerifyChainInput, role: string): Evaluated {
  const { leaf, purpose, at } = input;
  const problems: ChainProblem[] = [...end];
  const warnings: ChainProblem[] = [];
  problems.push(...linkProblems(steps, purpose, at, role, input.leafKeyUsage !== false));
  problems.push(...nameConstraintProblems(steps, role));
  problems.push(...policyProblems(steps, anchored));
  for (const finding of profileProblems(steps, anchored, purpose)) (finding.pedantic && !input.strict ? warnings : problems).push(finding.problem);
  const depth = steps.slice(1, anchored ? -1 : undefined).filter((s) => !s.cert.facts.selfIssued).length;
  if (input.maxDepth !== undefined && depth > input.maxDepth) {
    problems.push(problem('too-deep', 'MTLS_CHAIN_TOO_DEEP', steps.length - 1, (steps[steps.length - 1] as Step).cert,
      `The path has ${depth} intermediate${depth === 1 ? '' : 's'}, more than --max-depth ${input.maxDepth} allows.`,
      `Raise the limit (--max-depth ${depth}), or issue the ${role} closer to the root.`));
  }
  if (input.crls && input.crls.length > 0) {
    const revocation = revocationProblems(steps, anchored, input.crls, at);
    problems.push(...revocation.problems);
    warnings.push(...revocation.warnings);
  }
  if (input.host) {
    const hostMatch = matchHost(input.host, leaf.facts.subjectAltNames);
    const suffix = hostMatch.overPublicSuffix;
    if (!hostMatch.matched) problems.push(hostMismatch(leaf, hostMatch.host, hostMatch.kind, hostMatch.names, role, suffix));
    else if (suffix) {
      // A private-section suffix (*.s3.amazonaws.com): its owner's own wildcard; browsers accept it, CA/B Forum rules say no.
      (input.strict ? problems : warnings).push(problem('host', 'MTLS_CHAIN_HOST_MISMATCH', 0, leaf,
        `The ${role} '${nameOf(leaf)}' matches '${hostMatch.host}' only through the wildcard ${suffix.pattern}, whose base is a public suffix (private section of the Public Suffix List): CA/B Forum BR 3.2.2.6 forbids it; browsers accept it.${input.strict ? '' : ' --strict makes it an error.'}`,
        `Reissue it for the names it serves, e.g. --san ${hostMatch.host}.`));
    }
  }
  if (input.email) {
    const emails = leaf.facts.subjectAltNames.filter((n) => n.type === 'email').map((n) => n.value);
    if (!emails.some((e) => sameEmail(e, input.email as string))) {
      problems.push(problem('host', 'MTLS_CHAIN_HOST_MISMATCH', 0, leaf,
        `The ${role} '${nameOf(leaf)}' is not valid for the email address '${input.email}': ${emails.length > 0 ? `it holds ${emails.join(', ')}` : 'it holds no email subjectAltName'}.`,
        `Reissue it with the address as an email subjectAltName (rfc822Name).`));
    }
  }
  return { steps, anchored, problems, warnings };
}

/** Local parts compare exactly, domains case-insensitively (RFC 5321). */
function sameEmail(a: string, b: string): boolean {
  const split = (s: string) => [s.slice(0, s.lastIndexOf('@')), s.slice(s.lastIndexOf('@') + 1).toLowerCase()];
  const [la, da] = split(a);
  const [lb, db] = split(b);
  return a.includes('@') && la === lb && da === db;
}

/** isIssuedBy with a cache: backtracking asks the same pair again, and a signature costs ~50 µs. */
function memoIssuedBy(): (child: ParsedCertificate, parent: ParsedCertificate) => boolean {
  const known = new Map<string, boolean>();
  return (child, parent) => {
    const key = `${child.facts.fingerprintSha256}>${parent.facts.fingerprintSha256}`;
    let result = known.get(key);
    if (result === undefined) {
      result = isIssuedBy(child, parent);
      known.set(key, result);
    }
    return result;
  };
}

/** An authorityKeyIdentifier that names another key than the candidate's subjectKeyIdentifier rules it out (as OpenSSL does). */
function keyIdsAgree(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  const aki = child.facts.authorityKeyIdentifier;
  const ski = parent.facts.subjectKeyIdentifier;
  return !aki || !ski || aki === ski;
}

/** The same CA (subject and key) already on the path: a cycle through cross-signatures (CVE-2024-0567). */
function sameLogicalCaOnPath(cert: ParsedCertificate, path: Step[]): boolean {
  return path.slice(1).some((s) => s.cert.x509.subject === cert.x509.subject && s.cert.facts.publicKey.spkiSha256 === cert.facts.publicKey.spkiSha256);
}

function dedupeSteps(steps: Step[]): Step[] {
  const seen = new Set<string>();
  return steps.filter((s) => !seen.has(s.cert.facts.fingerprintSha256) && seen.add(s.cert.facts.fingerprintSha256) !== undefined);
}

function linkProblems(steps: Step[], purpose: Purpose, at: Date, role: string, leafKeyUsage: boolean): ChainProblem[] {
  const problems: ChainProblem[] = [];
  // Validity has one-second granularity (RFC 5280 §4.1.2.5): a time 5 ms past notAfter's second is still inside it.
  const atSecond = Math.floor(at.getTime() / 1000) * 1000;
  steps.forEach(({ cert }, position) => {
    const facts = cert.facts;
    const name = nameOf(cert);
    const who = position === 0 ? `the ${role} '${name}'` : `the ${position === steps.length - 1 && facts.selfSigned ? 'root' : 'intermediate'} '${name}'`;
    if (atSecond > Date.parse(facts.notAfter)) {
      problems.push(problem('expired', 'MTLS_CHAIN_CERT_EXPIRED', position, cert,
        `${capital(who)} expired ${relativeTime(new Date(facts.notAfter), at)} (notAfter ${facts.notAfter}).`,
        position === 0 ? 'Renew it, and check the others with `mtls expiry`.' : 'Replace it with the current one from its CA (`mtls chain build --fetch` may find it).'));
    } else if (atSecond < Date.parse(facts.notBefore)) {
      problems.push(problem('not-yet-valid', 'MTLS_CHAIN_CERT_NOT_YET_VALID', position, cert,
        `${capital(who)} is not valid until ${facts.notBefore} (${relativeTime(new Date(facts.notBefore), at)}).`,
        'Check the clocks (`date -u`), or reissue it with a start date in the past.'));
    }
    const unhandled = unhandledCriticalExtensions(cert);
    if (unhandled.length > 0) {
      problems.push(problem('critical-extension', 'MTLS_CHAIN_UNHANDLED_CRITICAL_EXTENSION', position, cert,
        `${capital(who)} carries the critical extension${unhandled.length === 1 ? '' : 's'} ${unhandled.join(', ')}, which a verifier must reject when it does not process ${unhandled.length === 1 ? 'it' : 'them'} (OpenSSL: unhandled critical extension).`,
        'Reissue it without marking that extension critical, or with the extensions TLS peers understand.'));
    }
    if (position > 0) problems.push(...caProblems(steps, position, who));
    if (!ekuAllows(facts, purpose)) {
      const eku = PURPOSE_EKU[purpose as 'client' | 'server'];
      const summary = position === 0
        ? `${capital(who)} is not for TLS ${purpose} authentication: its extendedKeyUsage is ${listOf(facts.extendedKeyUsage)}, without ${eku}.`
        : `${capital(who)} restricts its chain to ${listOf(facts.extendedKeyUsage)}, without ${eku}, so no certificate below it is valid for TLS ${purpose} authentication.`;
      problems.push(problem('purpose', 'MTLS_CHAIN_WRONG_PURPOSE', position, cert, summary,
        position === 0 ? `Issue a ${purpose} certificate: \`mtls issue ${purpose} NAME\`.` : `Issue from a CA whose extendedKeyUsage allows ${eku} (or has none).`));
    }
    if (position === 0 && leafKeyUsage && !leafKeyUsageAllows(facts, purpose)) {
      problems.push(problem('leaf-key-usage', 'MTLS_CHAIN_WRONG_PURPOSE', position, cert,
        `${capital(who)} has keyUsage ${listOf(facts.keyUsage)}, which does not allow a TLS ${purpose} handshake (it needs digitalSignature${purpose === 'server' ? ', keyEncipherment' : ''} or keyAgreement).`,
        `Reissue it with keyUsage digitalSignature: \`mtls issue ${purpose} NAME\`.`));
    }
  });
  return problems;
}

/** basicConstraints CA, keyUsage keyCertSign and pathLen of a certificate that issued the one below it. */
function caProblems(steps: Step[], position: number, who: string): ChainProblem[] {
  const { cert } = steps[position] as Step;
  const facts = cert.facts;
  const below = nameOf((steps[position - 1] as Step).cert);
  const problems: ChainProblem[] = [];
  // A version 1 self-signed root predates extensions; OpenSSL and browsers still accept it as an anchor.
  const v1Root = facts.version === 1 && facts.selfSigned;
  if (!facts.isCa && !v1Root) {
    problems.push(problem('not-a-ca', 'MTLS_CHAIN_ISSUER_NOT_CA', position, cert,
      `${capital(who)} issued '${below}' but is not a CA (basicConstraints ${facts.basicConstraints ? 'CA:FALSE' : 'absent'}).`,
      'Issue the certificate from a real CA: `mtls ca init` then `mtls issue`.'));
  } else if (!caKeyUsageAllows(facts)) {
    problems.push(problem('ca-key-usage', 'MTLS_CHAIN_CA_KEY_USAGE', position, cert,
      `${capital(who)} issued '${below}' but its keyUsage (${listOf(facts.keyUsage)}) lacks keyCertSign.`,
      'Recreate the CA with keyUsage keyCertSign, cRLSign.'));
  }
  const pathLength = facts.basicConstraints?.pathLength ?? null;
  if (pathLength !== null && !facts.selfIssued) {
    // pathLen counts the intermediates between this CA and the leaf; self-issued ones (key rollover) are free.
    const intermediatesBelow = steps.slice(1, position).filter((s) => !s.cert.facts.selfIssued).length;
    if (intermediatesBelow > pathLength) {
      problems.push(problem('path-length', 'MTLS_CHAIN_PATH_LENGTH', position, cert,
        `${capital(who)} allows ${pathLength} intermediate${pathLength === 1 ? '' : 's'} below it (pathLen:${pathLength}), but the chain has ${intermediatesBelow}.`,
        `Issue the leaf from a CA that pathLen allows, or recreate '${nameOf(cert)}' with pathLen:${intermediatesBelow} or more.`));
    }
  }
  return problems;
}

/** nameConstraints of every CA on the path, applied to every certificate below it (SANs and subject). */
function nameConstraintProblems(steps: Step[], role: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const leaf = (steps[0] as Step).cert;
  steps.forEach(({ cert }, position) => {
    if (position === 0) return;
    const finding = nameConstraintsFinding(cert, steps.slice(0, position).map((s) => s.cert));
    if (!finding) return;
    const ca = `The CA '${nameOf(cert)}'`;
    if (finding.kind === 'malformed') {
      problems.push(problem('name-constraints', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
        `${ca} has malformed nameConstraints (no subtrees, an empty list, a DNS base with a leading period, or a bad IP range), so what it may vouch for is unknown and the chain is refused.`,
        'Recreate the CA with well-formed nameConstraints, e.g. `permitted;DNS:example.com`.'));
    } else if (finding.kind === 'too-many') {
      problems.push(problem('name-constraints', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
        `${ca} has nameConstraints (${finding.constraint}) that would take too many comparisons against the names below it; the chain is refused, as other validators do, rather than spending unbounded time.`,
        'Use a CA with a handful of constraints, and certificates with a handful of names.'));
    } else if (finding.kind === 'unsupported') {
      problems.push(problem('name-constraints-unsupported', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
        `${ca} constrains ${finding.constraint} names, a form mtls does not check, and '${nameOf(finding.holder)}' holds one (${finding.name}); the chain is refused rather than accepted unchecked.`,
        'Verify this chain with `openssl verify -CAfile ROOT -untrusted CHAIN CERT`, or use a CA constrained by DNS, IP, email, URI or directoryName.'));
    } else {
      const why = finding.kind === 'excluded' ? `inside its excluded subtree ${finding.constraint}` : `outside its permitted subtrees ${finding.constraint}`;
      const whose = finding.holder === leaf ? `the ${role} '${nameOf(leaf)}'` : `the intermediate '${nameOf(finding.holder)}'`;
      problems.push(problem('name-constraints', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
        `${ca} may not vouch for the name ${finding.name} of ${whose}: it is ${why} (nameConstraints).`,
        `Issue ${finding.holder === leaf ? `the ${role}` : 'that intermediate'} with names the CA allows, or from a CA whose nameConstraints cover ${finding.name}.`));
    }
  });
  return problems;
}

/** The crypto policy (policy.ts) over every key on the path, and every signature but the anchor's own. */
function policyProblems(steps: Step[], anchored: boolean): ChainProblem[] {
  const problems: ChainProblem[] = [];
  steps.forEach(({ cert }, position) => {
    const isAnchor = anchored && position === steps.length - 1;
    const findings = [keyPolicy(cert, position === 0), isAnchor || (position === steps.length - 1 && cert.facts.selfSigned) ? null : signaturePolicy(cert)].filter((f) => f !== null);
    for (const finding of findings) {
      if (finding.pedantic) continue;
      problems.push(problem('weak-crypto', 'MTLS_CHAIN_WEAK_CRYPTO', position, cert,
        `'${nameOf(cert)}' ${finding.what}: ${finding.who}.`,
        position === 0 ? 'Reissue it with an RSA-2048+ or P-256 key, signed with SHA-256: `mtls issue`.' : 'Replace that CA with one using an RSA-2048+ or P-256 key that signs with SHA-256 (`mtls ca init`).'));
    }
  });
  return problems;
}

function profileProblems(steps: Step[], anchored: boolean, purpose: Purpose): { problem: ChainProblem; pedantic: boolean }[] {
  const out: { problem: ChainProblem; pedantic: boolean }[] = [];
  steps.forEach(({ cert }, position) => {
    const anchor = anchored && position === steps.length - 1;
    const findings = profileFindings(cert, { position, anchor, server: purpose === 'server' });
    const key = position === 0 ? null : keyPolicy(cert, false);
    for (const f of findings) {
      out.push({ pedantic: f.pedantic, problem: problem('profile', 'MTLS_CHAIN_PROFILE', position, cert,
        `'${nameOf(cert)}' ${f.what} (${f.rule}).${f.pedantic ? ' Only pedantic validators refuse this; --strict makes it an error.' : ''}`,
        position === 0 ? 'Reissue it with a standard tool (`mtls issue`).' : 'Recreate that CA with a standard tool (`mtls ca init`).') });
    }
    const leafKey = position === 0 ? keyPolicy(cert, true) : key;
    if (leafKey?.pedantic) {
      out.push({ pedantic: true, problem: problem('weak-crypto', 'MTLS_CHAIN_WEAK_CRYPTO', position, cert, `'${nameOf(cert)}' ${leafKey.what}: ${leafKey.who}. --strict makes it an error.`, 'Reissue it with a 2048-, 3072- or 4096-bit RSA key, or P-256.') });
    }
  });
  return out;
}

/** Revocation of every certificate below the anchor whose issuer has a CRL given; no CRL for one is a warning (unchecked, said). */
function revocationProblems(steps: Step[], anchored: boolean, crls: ParsedCrl[], at: Date): { problems: ChainProblem[]; warnings: ChainProblem[] } {
  const problems: ChainProblem[] = [];
  const warnings: ChainProblem[] = [];
  for (let position = 0; position < steps.length - 1; position++) {
    const cert = (steps[position] as Step).cert;
    const issuer = (steps[position + 1] as Step).cert;
    const status = revocationStatus(cert, issuer, crls, at);
    if (!status) continue;
    if (status.kind === 'revoked') {
      problems.push(problem('revoked', 'MTLS_CHAIN_REVOKED', position, cert,
        `'${nameOf(cert)}' (serial ${cert.facts.serialNumber}) is revoked by its CA '${nameOf(issuer)}'${status.date ? ` since ${status.date.toISOString()}` : ''}${status.reason ? ` (reason: ${status.reason})` : ''} (CRL).`,
        position === 0 ? 'Get a new certificate from the CA: `mtls issue`.' : 'The CA itself is revoked: get certificates from its successor.'));
    } else if (status.kind === 'bad-crl') {
      problems.push(problem('crl', 'MTLS_CHAIN_CRL_INVALID', position, cert,
        `The CRL ${status.origin} for '${nameOf(issuer)}' cannot be used: ${status.why}; the revocation of '${nameOf(cert)}' is unknown.`,
        'Pass the current CRL from the CA with --crl (or use --crl-fetch).'));
    } else if (position === 0 || !anchored) {
      warnings.push(problem('crl', 'MTLS_CHAIN_CRL_INVALID', position, cert,
        `No CRL from '${nameOf(issuer)}' was given, so the revocation of '${nameOf(cert)}' is unchecked.`,
        `Pass its CRL with --crl FILE (or --crl-fetch).`));
    }
  }
  return { problems, warnings };
}

function tooDeep(cert: ParsedCertificate, position: number, depth: number, limit: number): ChainProblem {
  return problem('too-deep', 'MTLS_CHAIN_TOO_DEEP', position, cert,
    `Path building stopped at '${nameOf(cert)}' after ${depth} certificates above the leaf (the bound is ${limit}) without reaching a trust anchor.`,
    'Pass only the intermediates the chain needs (`mtls chain build CERT --from DIR --out chain.pem`), or raise the bound with --max-depth N.');
}

function missingIssuer(cert: ParsedCertificate, position: number, role: string, trust: TrustAnchors): ChainProblem {
  const issuer = cert.facts.issuerCommonName ?? cert.facts.issuer;
  if (position === 0) {
    return problem('issuer-missing', 'MTLS_CHAIN_ISSUER_MISSING', position, cert,
      `The ${role} '${nameOf(cert)}' lacks its issuer '${issuer}': it is neither in the chain nor in ${trust.origin}.`,
      `If '${issuer}' is an intermediate, add it with \`mtls chain build CERT --from DIR --out fullchain.pem\` (or --fetch); if it is the root, pass it with --cacert.`);
  }
  return problem('issuer-missing', 'MTLS_CHAIN_ISSUER_MISSING', position, cert,
    `The chain ends at '${nameOf(cert)}', whose issuer '${issuer}' is not in ${trust.origin}.`,
    `Trust the root '${issuer}' with --cacert, or add the missing intermediate with \`mtls chain build\`.`);
}

function untrustedRoot(cert: ParsedCertificate, position: number, role: string, trust: TrustAnchors): ChainProblem {
  const who = position === 0 ? `The ${role} '${nameOf(cert)}' is self-signed and` : `The chain ends at the root '${nameOf(cert)}', which`;
  return problem('untrusted-root', 'MTLS_CHAIN_UNTRUSTED_ROOT', position, cert,
    `${who} is not in ${trust.origin}.`,
    `If you trust it, pass it with --cacert; otherwise get the ${role} issued by a CA the peer trusts.`);
}

function badSignature(cert: ParsedCertificate, position: number, named: ParsedCertificate): ChainProblem {
  return problem('signature', 'MTLS_CHAIN_BAD_SIGNATURE', position, cert,
    `The signature of '${nameOf(cert)}' does not verify with the key of '${nameOf(named)}', the certificate that bears its issuer's name (SPKI ${named.facts.publicKey.spkiSha256.slice(0, 23)}…).`,
    'Find the CA that really issued it with `mtls chain build CERT --from DIR`, or reissue it from this CA.');
}

function hostMismatch(leaf: ParsedCertificate, host: string, kind: 'DNS' | 'IP', names: string[], role: string, suffix: HostMatch['overPublicSuffix'] = null): ChainProblem {
  const overSuffix = suffix ? ` (the wildcard ${suffix.pattern} matches nothing: its base is a public suffix, and browsers and the CA/B Forum refuse a wildcard over one)` : '';
  const held = `${names.length > 0 ? `it holds ${kind} names ${names.join(', ')}` : `it holds no ${kind} subjectAltName`}${overSuffix}`;
  const cnMatches = leaf.facts.subjectCommonName?.toLowerCase() === host.toLowerCase();
  const cn = kind === 'DNS' && names.length === 0 && leaf.facts.subjectCommonName
    ? cnMatches
      ? ` (Node alone would accept it by its CN '${leaf.facts.subjectCommonName}'; browsers and Go refuse a certificate without subjectAltName, and so does mtls everywhere)`
      : ` (nor its CN '${leaf.facts.subjectCommonName}')`
    : '';
  return problem('host', 'MTLS_CHAIN_HOST_MISMATCH', 0, leaf,
    `The ${role} '${nameOf(leaf)}' is not valid for ${kind === 'IP' ? 'IP address' : 'host'} '${host}': ${held}${cn}.`,
    `Reissue it with --san ${host}, or connect with a name it holds.`);
}

function problem(rule: ChainProblem['rule'], code: ChainProblem['code'], position: number, cert: ParsedCertificate, summary: string, fix: string): ChainProblem {
  return { rule, code, position, certificate: nameOf(cert), summary, fix };
}

function link(step: Step, position: number, length: number, anchored: boolean): ChainLink {
  const facts = step.cert.facts;
  const last = position === length - 1;
  const role = position === 0 ? 'leaf' : last && (facts.selfSigned || anchored) ? 'root' : 'intermediate';
  return {
    role,
    name: nameOf(step.cert),
    subject: facts.subject,
    issuer: facts.issuer,
    notBefore: facts.notBefore,
    notAfter: facts.notAfter,
    fingerprintSha256: facts.fingerprintSha256,
    from: step.from,
  };
}

function validVerdict(path: ChainLink[], purpose: Purpose, host: string | undefined, trust: TrustAnchors): string {
  const what = purpose === 'any' ? 'valid' : `valid for TLS ${purpose} authentication`;
  const forHost = host ? ` for '${host}'` : '';
  return `The chain ${path.map((l) => `'${l.name}'`).join(' → ')} is ${what}${forHost}, anchored in ${trust.origin}.`;
}

export function nameOf(cert: ParsedCertificate): string {
  const facts = cert.facts;
  // An empty subject is legal for a SAN-only certificate: name it by its first SAN.
  return facts.subjectCommonName ?? (facts.subject || (facts.subjectAltNames[0] ? `(empty subject) ${facts.subjectAltNames[0].value}` : facts.fingerprintSha256.slice(0, 23)));
}

function leafRole(purpose: Purpose): string {
  return purpose === 'any' ? 'certificate' : `${purpose} certificate`;
}

function validAt(cert: ParsedCertificate, at: Date): boolean {
  return at.getTime() >= Date.parse(cert.facts.notBefore) && at.getTime() <= Date.parse(cert.facts.notAfter);
}

function listOf(values: string[] | null): string {
  return values && values.length > 0 ? values.join(', ') : '(empty)';
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function dedupe<T extends { fingerprintSha256: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.fingerprintSha256) && seen.add(i.fingerprintSha256) !== undefined);
}

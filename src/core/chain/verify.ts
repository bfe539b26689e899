import type { ParsedCertificate } from '../certificate/parse.js';
import { isIssuedBy } from '../certificate/bundle.js';
import { relativeTime } from '../time/relative.js';
import { matchHost } from './host.js';
import { nameConstraintsFinding, unhandledCriticalExtensions } from './constraints.js';
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
  at: Date;
}

/** Deeper chains than this are a loop or an attack, not a PKI. */
const MAX_DEPTH = 10;

interface Step {
  cert: ParsedCertificate;
  from: LinkOrigin;
}

/**
 * Path validation in the order OpenSSL does it: build the path from the leaf towards a trust
 * anchor (signatures checked while linking), then check every link: validity at `at`, CA
 * constraints (basicConstraints, keyUsage keyCertSign, pathLen), purpose (EKU of every
 * certificate, keyUsage of the leaf) and the host name. Broken rules are findings, not errors.
 */
export function verifyChain(input: VerifyChainInput): ChainVerification {
  const { leaf, trust, purpose, at } = input;
  const pool: Step[] = [
    ...(input.bundled ?? []).map((cert) => ({ cert, from: 'certificate file' as const })),
    ...(input.untrusted ?? []).map((cert) => ({ cert, from: 'untrusted' as const })),
  ];
  const steps: Step[] = [{ cert: leaf, from: 'certificate' }];
  const problems: ChainProblem[] = [];
  const role = leafRole(purpose);
  let anchored = trust.contains(leaf);

  while (!anchored && steps.length < MAX_DEPTH) {
    const current = steps[steps.length - 1] as Step;
    const position = steps.length - 1;
    if (current.cert.facts.selfSigned) {
      problems.push(untrustedRoot(current.cert, position, role, trust));
      break;
    }
    const onPath = new Set(steps.map((s) => s.cert.facts.fingerprintSha256));
    const named: Step[] = [
      ...trust.named(current.cert.x509.issuer).map((cert) => ({ cert, from: 'trust anchors' as const })),
      ...pool.filter((s) => s.cert.x509.subject === current.cert.x509.issuer && !onPath.has(s.cert.facts.fingerprintSha256)),
    ];
    const signers = named.filter((s) => isIssuedBy(current.cert, s.cert));
    // Among several issuers (renewed or cross-signed CAs) prefer a trusted one, then one valid at `at`.
    const next = signers.find((s) => s.from === 'trust anchors') ?? signers.find((s) => validAt(s.cert, at)) ?? signers[0];
    if (!next) {
      problems.push(named.length > 0 ? badSignature(current.cert, position, named[0]?.cert as ParsedCertificate) : missingIssuer(current.cert, position, role, trust));
      break;
    }
    steps.push(next);
    anchored = next.from === 'trust anchors' || trust.contains(next.cert);
  }

  problems.push(...linkProblems(steps, purpose, at, role));
  problems.push(...nameConstraintProblems(steps, role));
  const hostMatch = input.host ? matchHost(input.host, leaf.facts.subjectAltNames) : null;
  if (hostMatch && !hostMatch.matched) problems.push(hostMismatch(leaf, hostMatch.host, hostMatch.kind, hostMatch.names, role));

  const path = steps.map((step, i) => link(step, i, steps.length, anchored));
  const used = new Set(steps.map((s) => s.cert.facts.fingerprintSha256));
  const valid = problems.length === 0 && anchored;
  return {
    valid,
    verdict: valid ? validVerdict(path, purpose, input.host, trust) : `${(problems[0] as ChainProblem).summary} ${(problems[0] as ChainProblem).fix}`,
    purpose,
    host: input.host ?? null,
    at: at.toISOString(),
    trust: { source: trust.source, origin: trust.origin, count: trust.count },
    path,
    anchored,
    hostMatch,
    problems,
    unused: dedupe(pool.filter((s) => !used.has(s.cert.facts.fingerprintSha256)).map((s) => ({ name: nameOf(s.cert), fingerprintSha256: s.cert.facts.fingerprintSha256 }))),
  };
}

function linkProblems(steps: Step[], purpose: Purpose, at: Date, role: string): ChainProblem[] {
  const problems: ChainProblem[] = [];
  steps.forEach(({ cert }, position) => {
    const facts = cert.facts;
    const name = nameOf(cert);
    const who = position === 0 ? `the ${role} '${name}'` : `the ${position === steps.length - 1 && facts.selfSigned ? 'root' : 'intermediate'} '${name}'`;
    if (at.getTime() > Date.parse(facts.notAfter)) {
      problems.push(problem('expired', 'MTLS_CHAIN_CERT_EXPIRED', position, cert,
        `${capital(who)} expired ${relativeTime(new Date(facts.notAfter), at)} (notAfter ${facts.notAfter}).`,
        position === 0 ? 'Renew it, and check the others with `mtls expiry`.' : 'Replace it with the current one from its CA (`mtls chain build --fetch` may find it).'));
    } else if (at.getTime() < Date.parse(facts.notBefore)) {
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
    if (position === 0 && !leafKeyUsageAllows(facts, purpose)) {
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

/** nameConstraints of every CA on the path, applied to the leaf's subjectAltName DNS names and IP addresses. */
function nameConstraintProblems(steps: Step[], role: string): ChainProblem[] {
  const leaf = (steps[0] as Step).cert;
  const problems: ChainProblem[] = [];
  steps.forEach(({ cert }, position) => {
    if (position === 0) return;
    const finding = nameConstraintsFinding(cert, leaf);
    if (!finding) return;
    if (finding.kind === 'unsupported') {
      problems.push(problem('name-constraints-unsupported', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
        `The CA '${nameOf(cert)}' has critical nameConstraints of a form mtls does not check (${finding.constraint}), so the chain is refused rather than accepted unchecked.`,
        `Verify this chain with \`openssl verify -CAfile ROOT -untrusted CHAIN CERT\`, or use a CA constrained by DNS names and IP addresses only.`));
      return;
    }
    const why = finding.kind === 'excluded' ? `inside its excluded subtree ${finding.constraint}` : `outside its permitted subtrees ${finding.constraint}`;
    problems.push(problem('name-constraints', 'MTLS_CHAIN_NAME_CONSTRAINTS', position, cert,
      `The CA '${nameOf(cert)}' may not vouch for the name ${finding.name} of the ${role} '${nameOf(leaf)}': it is ${why} (nameConstraints).`,
      `Issue the ${role} with names the CA allows, or from a CA whose nameConstraints cover ${finding.name}.`));
  });
  return problems;
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

function hostMismatch(leaf: ParsedCertificate, host: string, kind: 'DNS' | 'IP', names: string[], role: string): ChainProblem {
  const held = names.length > 0 ? `it holds ${kind} names ${names.join(', ')}` : `it holds no ${kind} subjectAltName`;
  const cn = kind === 'DNS' && names.length === 0 && leaf.facts.subjectCommonName ? ` (its CN '${leaf.facts.subjectCommonName}' is not used: browsers, Go and Node match subjectAltName only)` : '';
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
  return cert.facts.subjectCommonName ?? (cert.facts.subject || cert.facts.fingerprintSha256.slice(0, 23));
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

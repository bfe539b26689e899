import { toPem } from '../load/pem.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { linkBundle } from '../certificate/bundle.js';
import type { TrustAnchors } from './trust.js';
import type { ChainLink, ChainProblem, ChainVerification } from './types.js';
import { nameOf, verifyChain } from './verify.js';

export interface Candidate {
  cert: ParsedCertificate;
  /** Where it was found, for messages: a path, a URL. */
  from: string;
}

export interface ChainBuildInput {
  /** The certificates of the LEAF file, in file order (the leaf need not be first). */
  leafFile: Candidate[];
  /** --from files and folders. */
  candidates: Candidate[];
  includeRoot: boolean;
  /** For --fetch: downloads an AIA caIssuers URL. */
  fetchIssuer?: (url: string) => Promise<ParsedCertificate[]>;
  /** Roots a peer already has; a chain whose top is issued by one of them is complete. */
  systemRoots?: TrustAnchors;
  now: Date;
}

/** A link of a built chain, labelled with where it was found (a path, a URL). */
export interface BuiltLink extends Omit<ChainLink, 'from'> {
  from: string;
}

export interface ChainBuild {
  /** The path reaches a root (among the candidates or in the system store) and has no defect. */
  complete: boolean;
  summary: string;
  /** Leaf first: what is written out (or, when not complete, the path that came closest). */
  path: BuiltLink[];
  /** The ordered chain as PEM. */
  pem: string;
  missing: { issuer: string; after: string; fetchUrls: string[] } | null;
  /** What is wrong with the closest path when it reaches a root but is not valid (expired, not a CA, weak crypto…), most fundamental first. */
  defects: ChainProblem[];
  /** Rules only pedantic validators enforce: said, not held against the chain. */
  warnings: ChainProblem[];
  /** Candidate paths tried by the path builder. */
  search: ChainVerification['search'];
  /** The root reached but left out (no --include-root). */
  rootOmitted: string | null;
  /** The root is not in the candidates but in the system store (nothing is missing). */
  anchorInSystemStore: string | null;
  /** Certificates of the LEAF file that are not on the chain. */
  extras: { name: string; from: string }[];
  duplicates: { name: string; count: number }[];
  fetched: { url: string; ok: boolean; name?: string; error?: string }[];
}

/** AIA rounds for --fetch: each round may add the issuer of the path's top; a real chain needs 1–3. */
const MAX_FETCH_ROUNDS = 6;

/**
 * Orders leaf → intermediates (→ root) with the path builder of `chain verify` (depth first with
 * backtracking, bounded), so the answer does not depend on the order of the candidates: a
 * renewed, cross-signed or same-name CA that is expired, not a CA or otherwise broken is passed
 * over for one that works. The roots among the candidates (self-signed ones) and the system
 * store are the anchors; the purpose is 'any' and no host is checked (that is `chain verify`'s
 * job). When no path is valid, the closest one is returned with its real defect.
 */
export async function buildChain(input: ChainBuildInput): Promise<ChainBuild> {
  const linked = linkBundle(input.leafFile.map((c) => c.cert));
  const leaf = input.leafFile[linked.path[0] ?? 0] as Candidate;
  const pool: Candidate[] = [...input.leafFile, ...input.candidates];
  const fetched: ChainBuild['fetched'] = [];
  const triedUrls = new Set<string>();

  let result = verifyOver(leaf, pool, input);
  for (let round = 0; input.fetchIssuer && !result.anchored && round < MAX_FETCH_ROUNDS; round++) {
    const top = pool.find((c) => c.cert.facts.fingerprintSha256 === result.path[result.path.length - 1]?.fingerprintSha256)?.cert;
    const urls = (top?.facts.caIssuerUrls ?? []).filter((url) => !triedUrls.has(url));
    if (urls.length === 0) break;
    for (const url of urls) {
      triedUrls.add(url);
      try {
        const found = await input.fetchIssuer(url);
        pool.push(...found.map((cert) => ({ cert, from: url })));
        fetched.push({ url, ok: true, name: found.map(nameOf).join(', ') });
      } catch (error) {
        fetched.push({ url, ok: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
    result = verifyOver(leaf, pool, input);
  }

  const byFingerprint = new Map(pool.map((c) => [c.cert.facts.fingerprintSha256, c] as const));
  // The anchor from the system store is not a candidate: it is named, never written.
  const steps = result.path.map((l) => byFingerprint.get(l.fingerprintSha256) ?? null);
  const systemAnchor = result.anchored && steps[steps.length - 1] === null ? result.path[result.path.length - 1] : undefined;
  const onPath = steps.filter((s): s is Candidate => s !== null);
  const top = onPath[onPath.length - 1] as Candidate;
  const reachedRoot = onPath.length > 1 && top.cert.facts.selfSigned;
  const written = reachedRoot && !input.includeRoot ? onPath.slice(0, -1) : onPath;

  const first = result.problems[0];
  const unanchored = !result.anchored && first !== undefined && ['issuer-missing', 'untrusted-root', 'signature', 'too-deep'].includes(first.rule);
  const topCert = top.cert;
  const missing = unanchored && first.rule !== 'too-deep'
    ? { issuer: topCert.facts.issuerCommonName ?? topCert.facts.issuer, after: nameOf(topCert), fetchUrls: topCert.facts.caIssuerUrls }
    : null;
  const defects = missing ? result.problems.filter((p) => !['issuer-missing', 'untrusted-root'].includes(p.rule)) : result.problems;
  const complete = result.anchored && result.problems.length === 0;

  const used = new Set(onPath.map((s) => s.cert.facts.fingerprintSha256));
  const counts = new Map<string, { name: string; count: number }>();
  for (const c of input.leafFile) {
    const entry = counts.get(c.cert.facts.fingerprintSha256) ?? { name: nameOf(c.cert), count: 0 };
    entry.count += 1;
    counts.set(c.cert.facts.fingerprintSha256, entry);
  }
  const names = written.map((s) => `'${nameOf(s.cert)}'`).join(' → ');
  const summary = complete
    ? `${names}${reachedRoot && !input.includeRoot ? ` (root '${nameOf(topCert)}' left out)` : ''}.`
    : missing && first?.rule !== 'signature'
      ? `No issuer '${missing.issuer}' for '${missing.after}' among the candidates${input.fetchIssuer ? ' or at its AIA URL' : ''}; ${missing.fetchUrls.length && !input.fetchIssuer ? 'try --fetch, or ' : ''}add it with --from FILE|DIR.`
      : `${(first as ChainProblem).summary} ${(first as ChainProblem).fix}`;
  return {
    complete,
    summary,
    path: written.map((s, i): BuiltLink => ({
      role: i === 0 ? 'leaf' : s.cert.facts.selfSigned ? 'root' : 'intermediate',
      name: nameOf(s.cert),
      subject: s.cert.facts.subject,
      issuer: s.cert.facts.issuer,
      notBefore: s.cert.facts.notBefore,
      notAfter: s.cert.facts.notAfter,
      fingerprintSha256: s.cert.facts.fingerprintSha256,
      from: s.from,
    })),
    pem: written.map((s) => toPem('CERTIFICATE', s.cert.der)).join(''),
    missing,
    defects,
    warnings: result.warnings,
    search: result.search,
    rootOmitted: reachedRoot && !input.includeRoot ? nameOf(topCert) : null,
    anchorInSystemStore: systemAnchor ? systemAnchor.name : null,
    extras: dedupeByName(input.leafFile.filter((c) => !used.has(c.cert.facts.fingerprintSha256)).map((c) => ({ name: nameOf(c.cert), from: c.from }))),
    duplicates: [...counts.values()].filter((c) => c.count > 1),
    fetched,
  };
}

/** One run of the path builder: the self-signed candidates and the system store are the anchors. */
function verifyOver(leaf: Candidate, pool: Candidate[], input: ChainBuildInput): ChainVerification {
  const others = pool.filter((c) => c !== leaf).map((c) => c.cert);
  return verifyChain({
    leaf: leaf.cert,
    untrusted: others,
    trust: candidateAnchors(pool.map((c) => c.cert).filter((c) => c.facts.selfSigned), input.systemRoots),
    purpose: 'any',
    at: input.now,
  });
}

/** The roots among the candidates, then the system store. */
function candidateAnchors(roots: ParsedCertificate[], system: TrustAnchors | undefined): TrustAnchors {
  const fingerprints = new Set(roots.map((c) => c.facts.fingerprintSha256));
  return {
    source: 'cacert',
    origin: system ? 'the candidates or the system trust store' : 'the candidates',
    count: roots.length + (system?.count ?? 0),
    named: (issuerName) => [...roots.filter((c) => c.x509.subject === issuerName), ...(system?.named(issuerName) ?? [])],
    contains: (certificate) => fingerprints.has(certificate.facts.fingerprintSha256) || system?.contains(certificate) === true,
  };
}

function dedupeByName<T extends { name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.name) && seen.add(i.name) !== undefined);
}

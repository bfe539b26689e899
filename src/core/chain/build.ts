import { toPem } from '../load/pem.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { isIssuedBy, linkBundle } from '../certificate/bundle.js';
import type { TrustAnchors } from './trust.js';
import type { ChainLink } from './types.js';
import { nameOf } from './verify.js';

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
  complete: boolean;
  summary: string;
  /** Leaf first: what is written out. */
  path: BuiltLink[];
  /** The ordered chain as PEM. */
  pem: string;
  missing: { issuer: string; after: string; fetchUrls: string[] } | null;
  /** The root reached but left out (no --include-root). */
  rootOmitted: string | null;
  /** The root is not in the candidates but in the system store (nothing is missing). */
  anchorInSystemStore: string | null;
  /** Certificates of the LEAF file that are not on the chain. */
  extras: { name: string; from: string }[];
  duplicates: { name: string; count: number }[];
  fetched: { url: string; ok: boolean; name?: string; error?: string }[];
}

const MAX_DEPTH = 10;

/** Orders leaf → intermediates (→ root) from the candidates, downloading missing issuers on request. */
export async function buildChain(input: ChainBuildInput): Promise<ChainBuild> {
  const linked = linkBundle(input.leafFile.map((c) => c.cert));
  const leaf = input.leafFile[linked.path[0] ?? 0] as Candidate;
  const pool: Candidate[] = [...input.leafFile, ...input.candidates];
  const fetched: ChainBuild['fetched'] = [];
  const steps: Candidate[] = [leaf];
  let missing: ChainBuild['missing'] = null;
  let anchorInSystemStore: string | null = null;

  while (steps.length < MAX_DEPTH) {
    const current = (steps[steps.length - 1] as Candidate).cert;
    if (current.facts.selfSigned) break;
    let issuer = findIssuer(current, pool, steps, input.now);
    if (!issuer && input.fetchIssuer) {
      for (const url of current.facts.caIssuerUrls) {
        try {
          const found = await input.fetchIssuer(url);
          pool.push(...found.map((cert) => ({ cert, from: url })));
          fetched.push({ url, ok: true, name: found.map(nameOf).join(', ') });
        } catch (error) {
          fetched.push({ url, ok: false, error: error instanceof Error ? error.message : String(error) });
        }
      }
      issuer = findIssuer(current, pool, steps, input.now);
    }
    if (issuer) {
      steps.push(issuer);
      continue;
    }
    const systemRoot = input.systemRoots?.named(current.x509.issuer).find((root) => isIssuedBy(current, root));
    if (systemRoot) anchorInSystemStore = nameOf(systemRoot);
    else missing = { issuer: current.facts.issuerCommonName ?? current.facts.issuer, after: nameOf(current), fetchUrls: current.facts.caIssuerUrls };
    break;
  }

  const top = (steps[steps.length - 1] as Candidate).cert;
  const reachedRoot = steps.length > 1 && top.facts.selfSigned;
  const written = reachedRoot && !input.includeRoot ? steps.slice(0, -1) : steps;
  const used = new Set(steps.map((s) => s.cert.facts.fingerprintSha256));
  const counts = new Map<string, { name: string; count: number }>();
  for (const c of input.leafFile) {
    const entry = counts.get(c.cert.facts.fingerprintSha256) ?? { name: nameOf(c.cert), count: 0 };
    entry.count += 1;
    counts.set(c.cert.facts.fingerprintSha256, entry);
  }
  const complete = missing === null;
  const names = written.map((s) => `'${nameOf(s.cert)}'`).join(' → ');
  return {
    complete,
    summary: complete
      ? `${names}${reachedRoot && !input.includeRoot ? ` (root '${nameOf(top)}' left out)` : ''}.`
      : `No issuer '${missing?.issuer}' for '${missing?.after}' among the candidates${input.fetchIssuer ? ' or at its AIA URL' : ''}; ${missing?.fetchUrls.length && !input.fetchIssuer ? 'try --fetch, or ' : ''}add it with --from FILE|DIR.`,
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
    rootOmitted: reachedRoot && !input.includeRoot ? nameOf(top) : null,
    anchorInSystemStore,
    extras: dedupeByName(input.leafFile.filter((c) => !used.has(c.cert.facts.fingerprintSha256)).map((c) => ({ name: nameOf(c.cert), from: c.from }))),
    duplicates: [...counts.values()].filter((c) => c.count > 1),
    fetched,
  };
}

/** An issuer of `cert` from the pool, not already on the path; prefer one valid now (renewed CAs share names). */
function findIssuer(cert: ParsedCertificate, pool: Candidate[], path: Candidate[], now: Date): Candidate | undefined {
  const onPath = new Set(path.map((s) => s.cert.facts.fingerprintSha256));
  const issuers = pool.filter((c) => !onPath.has(c.cert.facts.fingerprintSha256) && isIssuedBy(cert, c.cert));
  const current = (c: Candidate) => Date.parse(c.cert.facts.notBefore) <= now.getTime() && now.getTime() <= Date.parse(c.cert.facts.notAfter);
  return issuers.find(current) ?? issuers[0];
}

function dedupeByName<T extends { name: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.name) && seen.add(i.name) !== undefined);
}

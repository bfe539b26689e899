import type { ParsedCertificate } from './parse.js';

/** How the certificates of one bundle link: what a peer receiving this bundle would see. */
export interface BundleLinks {
  /** Indexes into the bundle, leaf first, each issued by the next. */
  path: number[];
  /** The bundle's own order already is leaf → issuer → issuer's issuer. */
  inOrder: boolean;
  /** The path ends at a self-signed certificate (a root is included). */
  endsAtRoot: boolean;
  /** Issuer name of the last certificate in the path when that issuer is not in the bundle. */
  missingIssuer: string | null;
  /** Certificates that are not on the path from the leaf (unrelated or extra). */
  extras: number[];
  /** Pairs [first, repeat] of identical certificates. */
  duplicates: [number, number][];
}

/** `child` names `parent` as issuer and `parent`'s key verifies `child`'s signature. */
export function isIssuedBy(child: ParsedCertificate, parent: ParsedCertificate): boolean {
  if (child.x509.issuer !== parent.x509.subject) return false;
  try {
    return child.x509.verify(parent.x509.publicKey);
  } catch {
    return false;
  }
}

export function linkBundle(certificates: ParsedCertificate[]): BundleLinks {
  const duplicates: [number, number][] = [];
  const unique: number[] = [];
  certificates.forEach((cert, i) => {
    const first = unique.find((j) => certificates[j]?.facts.fingerprintSha256 === cert.facts.fingerprintSha256);
    if (first === undefined) unique.push(i);
    else duplicates.push([first, i]);
  });
  const at = (i: number) => certificates[i] as ParsedCertificate;
  // The leaf is the certificate that issued nothing else in the bundle; prefer the first such one.
  const issuers = new Set<number>();
  for (const i of unique) for (const j of unique) if (i !== j && isIssuedBy(at(i), at(j))) issuers.add(j);
  const leaf = unique.find((i) => !issuers.has(i) && !at(i).facts.selfSigned) ?? unique.find((i) => !issuers.has(i)) ?? unique[0] ?? 0;

  const path = [leaf];
  for (;;) {
    const current = at(path[path.length - 1] as number);
    if (current.facts.selfSigned) break;
    const next = unique.find((j) => !path.includes(j) && isIssuedBy(current, at(j)));
    if (next === undefined) break;
    path.push(next);
  }
  const last = at(path[path.length - 1] as number);
  const endsAtRoot = last.facts.selfSigned;
  return {
    path,
    inOrder: path.every((index, position) => index === unique[position]),
    endsAtRoot,
    missingIssuer: endsAtRoot ? null : last.facts.issuer,
    extras: unique.filter((i) => !path.includes(i)),
    duplicates,
  };
}

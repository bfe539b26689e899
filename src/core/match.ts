import { MAX_SCANNED_FILE_BYTES, readFileBounded } from './fs/read.js';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ParsedCertificate } from './certificate/parse.js';
import { describeKey, keyLabel, type KeyFacts } from './key/describe.js';
import type { LoadedKey } from './load/types.js';
import { certificatesInBytes } from './expiry/read.js';
import { commonName } from './certificate/names.js';

export interface CertificateCandidate {
  name: string;
  from: string;
  spkiSha256: string;
}

export interface MatchResult {
  matches: boolean;
  /** One sentence: the answer, and for a mismatch which certificate the key belongs to. */
  verdict: string;
  certificate: { name: string; from: string; publicKey: KeyFacts };
  key: { from: string; publicKey: KeyFacts; encoding: string };
  /** Other certificates (on the command line or in the certificate's folder) holding the key's public key. */
  keyBelongsTo: { name: string; from: string }[];
  /** How many other certificates were compared. */
  searched: number;
}

/**
 * Compares the public key in the certificate with the public half of the private key, by the
 * SHA-256 of their SubjectPublicKeyInfo: equal for every key type, whatever the file formats.
 */
export function matchKey(
  certificate: { cert: ParsedCertificate; from: string },
  key: { key: LoadedKey; from: string },
  others: CertificateCandidate[],
): MatchResult {
  const certKey = certificate.cert.facts.publicKey;
  const privateKey = key.key.facts;
  const matches = certKey.spkiSha256 === privateKey.spkiSha256;
  const facts = certificate.cert.facts;
  // An empty subject is legal (SAN-only certificates): name it by its first SAN then.
  const name = facts.subjectCommonName ?? (facts.subject || `(empty subject) ${facts.subjectAltNames[0]?.value ?? facts.fingerprintSha256.slice(0, 23)}`);
  const keyBelongsTo = matches ? [] : dedupe(others.filter((o) => o.spkiSha256 === privateKey.spkiSha256 && o.from !== certificate.from));
  const short = (facts: KeyFacts) => `${keyLabel(facts)} ${facts.spkiSha256.slice(0, 23)}…`;
  let verdict: string;
  if (matches) verdict = `The key in ${key.from} belongs to '${name}' (${short(certKey)}).`;
  else {
    const elsewhere = keyBelongsTo.length > 0
      ? ` The key belongs to ${keyBelongsTo.map((o) => `'${o.name}' (${o.from})`).join(', ')}.`
      : ` No other certificate among the ${others.length} compared holds this key.`;
    // A CA certificate compared with a leaf's key: the usual slip is ca.crt given as the certificate.
    const ca = facts.isCa ? ` '${name}' is a CA certificate: it belongs to --cacert (or --client-ca for mtls serve), not to --cert.` : '';
    verdict = `The key in ${key.from} (${short(privateKey)}) does not belong to '${name}' in ${certificate.from} (${short(certKey)}).${ca}${elsewhere}`;
  }
  return {
    matches,
    verdict,
    certificate: { name, from: certificate.from, publicKey: certKey },
    key: { from: key.from, publicKey: privateKey, encoding: key.key.encoding },
    keyBelongsTo,
    searched: others.length,
  };
}

/** Files looked at beside the certificate: a PKI folder, not a whole disk. */
const MAX_NEIGHBOURS = 1000;

/** Certificates in the same folder as `path` (not below it), read with Node's native parser only. */
export async function certificatesNear(path: string): Promise<CertificateCandidate[]> {
  const found: CertificateCandidate[] = [];
  const folder = dirname(path);
  try {
    const entries = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).slice(0, MAX_NEIGHBOURS);
    for (const file of entries.map((e) => join(folder, e.name))) {
      const bytes = await readFileBounded(file, { limit: MAX_SCANNED_FILE_BYTES }).catch(() => null);
      const read = bytes ? await certificatesInBytes(bytes, undefined).catch(() => null) : null;
      if (read?.kind !== 'certificates') continue;
      for (const x509 of read.certificates) {
        found.push({ name: commonName(x509.subject) ?? (x509.subject || '(empty subject)'), from: file, spkiSha256: describeKey(x509.publicKey).spkiSha256 });
      }
    }
  } catch {
    // An unreadable folder only means fewer candidates to suggest.
  }
  return found;
}

function dedupe(items: CertificateCandidate[]): { name: string; from: string }[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.from + i.name) && seen.add(i.from + i.name) !== undefined).map(({ name, from }) => ({ name, from }));
}

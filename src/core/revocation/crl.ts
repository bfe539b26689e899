import { join } from 'node:path';
import { writeFileAtomic } from '../fs/write.js';
import { toPem } from '../load/pem.js';
import type { Secret } from '../load/types.js';
import type { SigningAuthority } from '../pki/certificate.js';
import { toWebSigningKey } from '../pki/keys.js';
import { openCaFolder } from '../pki/store.js';
import { x509 } from '../pki/x509.js';
import { readRevocationIndex, writeRevocationIndex, type RevocationEntry } from './index-file.js';
import { REVOCATION_REASONS } from './reasons.js';

/** Default CRL lifetime. Short enough that a stale list is noticed, long enough for a weekly job to renew it. */
export const DEFAULT_CRL_DAYS = 30;
/** thisUpdate is set this far back, as notBefore is for certificates: peers with a slow clock accept it at once. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface CrlRequest {
  dir: string;
  days: number;
  now: Date;
  passphrase?: Secret;
}

export interface WrittenCrl {
  /** Which CA signed it. */
  issuer: 'root' | 'intermediate';
  issuerSubject: string;
  crlNumber: number;
  thisUpdate: string;
  nextUpdate: string;
  revoked: number;
  /** Its own DER file. */
  der: string;
}

export interface CrlResult {
  crls: WrittenCrl[];
  /** DIR/crl.pem: every CRL of the folder, the issuing CA's first (one file for nginx, serve, openssl). */
  pem: string;
  indexPath: string;
}

/** The file names of a CA folder's CRLs. crl.der is the issuing CA's; with an intermediate, the root's goes to ca-crl.der. */
export function crlPaths(dir: string) {
  return { pem: join(dir, 'crl.pem'), issuerDer: join(dir, 'crl.der'), rootDer: join(dir, 'ca-crl.der') };
}

/**
 * Signs a CRL per CA of the folder (RFC 5280: a CRL is issued by the CA that issued the
 * certificates it lists): the intermediate's lists the leaves it revoked, the root's the
 * intermediate if it was revoked. Peers that check every link of a chain (Node's `crl` option,
 * `openssl verify -crl_check_all`) need both, so crl.pem carries both. Each gets the next
 * cRLNumber, authorityKeyIdentifier, thisUpdate and nextUpdate.
 */
export async function writeCrls(request: CrlRequest): Promise<CrlResult> {
  const folder = await openCaFolder(request.dir, request.passphrase ? { passphrase: request.passphrase } : {});
  const index = await readRevocationIndex(request.dir);
  const crlNumber = index.crlNumber + 1;
  const thisUpdate = new Date(Math.floor((request.now.getTime() - CLOCK_SKEW_MS) / 1000) * 1000);
  const nextUpdate = new Date(Math.floor(request.now.getTime() / 1000) * 1000 + request.days * 86_400_000);
  const paths = crlPaths(request.dir);
  const signers: { which: 'root' | 'intermediate'; authority: SigningAuthority; der: string }[] = folder.intermediate
    ? [
        { which: 'intermediate', authority: folder.intermediate, der: paths.issuerDer },
        { which: 'root', authority: folder.root, der: paths.rootDer },
      ]
    : [{ which: 'root', authority: folder.root, der: paths.issuerDer }];

  const crls: WrittenCrl[] = [];
  const pems: string[] = [];
  for (const signer of signers) {
    const fingerprint = signer.authority.certificate.facts.fingerprintSha256;
    const entries = index.entries.filter((e) => e.issuerFingerprintSha256 === fingerprint);
    const der = await signCrl(signer.authority, entries, crlNumber, thisUpdate, nextUpdate);
    await writeFileAtomic(signer.der, der, { mode: 0o644, force: true });
    pems.push(toPem('X509 CRL', der));
    crls.push({
      issuer: signer.which,
      issuerSubject: signer.authority.certificate.facts.subject,
      crlNumber,
      thisUpdate: thisUpdate.toISOString(),
      nextUpdate: nextUpdate.toISOString(),
      revoked: entries.length,
      der: signer.der,
    });
  }
  await writeFileAtomic(paths.pem, pems.join(''), { mode: 0o644, force: true });
  const indexPath = await writeRevocationIndex(request.dir, { ...index, crlNumber });
  return { crls, pem: paths.pem, indexPath };
}

async function signCrl(authority: SigningAuthority, entries: RevocationEntry[], crlNumber: number, thisUpdate: Date, nextUpdate: Date): Promise<Buffer> {
  const issuerCertificate = new x509.X509Certificate(authority.certificate.der);
  const keyId = issuerCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  const web = await toWebSigningKey(authority.key);
  const extensions: x509.Extension[] = [new x509.Extension('2.5.29.20', false, derInteger(crlNumber))];
  if (keyId) extensions.push(new x509.AuthorityKeyIdentifierExtension(keyId));
  const crl = await x509.X509CrlGenerator.create({
    issuer: issuerCertificate.subjectName,
    thisUpdate,
    nextUpdate,
    signingKey: web.privateKey,
    signingAlgorithm: web.signingAlgorithm,
    extensions,
    entries: entries.map((entry) => ({
      serialNumber: entry.serialNumber,
      revocationDate: new Date(entry.revokedAt),
      // RFC 5280 §5.3.1: reasonCode unspecified SHOULD be absent.
      ...(entry.reason === 'unspecified' ? {} : { reason: REVOCATION_REASONS[entry.reason] as number as x509.X509CrlReason }),
    })),
  });
  return Buffer.from(crl.rawData);
}

/** A DER INTEGER for a small positive number (cRLNumber); no library exposes this one encoder. */
function derInteger(value: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

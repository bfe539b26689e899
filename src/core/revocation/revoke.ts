import type { ParsedCertificate } from '../certificate/parse.js';
import { MtlsError } from '../errors.js';
import { folderAuthorities, issuingAuthority, type FolderAuthority } from './authorities.js';
import { readRevocationIndex, writeRevocationIndex, type RevocationEntry } from './index-file.js';
import type { RevocationReason } from './reasons.js';
import { normalizeSerial } from './serial.js';

export type RevokeTarget = { kind: 'certificate'; certificate: ParsedCertificate; origin: string } | { kind: 'serial'; serialNumber: string };

export interface RevokeRequest {
  dir: string;
  target: RevokeTarget;
  reason: RevocationReason;
  now: Date;
}

export interface RevokeResult {
  entry: RevocationEntry;
  /** It was already in the index (then nothing was written and `entry` is the earlier record). */
  alreadyRevoked: boolean;
  indexPath: string | null;
}

/**
 * Records a revocation in DIR/revoked.json. It changes no CRL by itself: `mtls ca crl` signs the
 * lists (that needs the CA key; recording does not). A certificate file is matched to the CA of
 * the folder that signed it; a bare serial is taken as one of the issuing CA (the intermediate
 * when there is one), except the intermediate's own serial, which its root revokes.
 */
export async function revokeCertificate(request: RevokeRequest): Promise<RevokeResult> {
  const authorities = await folderAuthorities(request.dir);
  const { issuer, serialNumber, subject, notAfter } = resolveTarget(request, authorities);
  const index = await readRevocationIndex(request.dir);
  const earlier = index.entries.find((e) => e.serialNumber === serialNumber && e.issuerFingerprintSha256 === issuer.certificate.facts.fingerprintSha256);
  if (earlier) return { entry: earlier, alreadyRevoked: true, indexPath: null };
  const entry: RevocationEntry = {
    serialNumber,
    issuer: issuer.which,
    issuerSubject: issuer.certificate.facts.subject,
    issuerFingerprintSha256: issuer.certificate.facts.fingerprintSha256,
    subject,
    notAfter,
    reason: request.reason,
    revokedAt: new Date(Math.floor(request.now.getTime() / 1000) * 1000).toISOString(),
  };
  index.entries.push(entry);
  const indexPath = await writeRevocationIndex(request.dir, index);
  return { entry, alreadyRevoked: false, indexPath };
}

function resolveTarget(request: RevokeRequest, authorities: FolderAuthority[]): { issuer: FolderAuthority; serialNumber: string; subject: string | null; notAfter: string | null } {
  const { target, dir } = request;
  const root = authorities.find((a) => a.which === 'root') as FolderAuthority;
  const intermediate = authorities.find((a) => a.which === 'intermediate');
  if (target.kind === 'serial') {
    const serialNumber = normalizeSerial(target.serialNumber);
    if (!serialNumber) {
      throw new MtlsError('MTLS_USAGE', `${target.serialNumber} is neither a certificate file nor a hex serial number.`, {
        fixes: ['Give the certificate file (`mtls ca revoke pki/alice.crt`) or its serial as hex (`mtls inspect pki/alice.crt` shows it).'],
      });
    }
    if (serialNumber === normalizeSerial(root.certificate.facts.serialNumber)) throw rootRefused(dir);
    const isIntermediate = intermediate && serialNumber === normalizeSerial(intermediate.certificate.facts.serialNumber);
    return { issuer: isIntermediate ? root : (intermediate ?? root), serialNumber, subject: isIntermediate ? intermediate.certificate.facts.subject : null, notAfter: null };
  }
  const { certificate } = target;
  if (certificate.facts.fingerprintSha256 === root.certificate.facts.fingerprintSha256) throw rootRefused(dir);
  const issuer = issuingAuthority(certificate, authorities);
  if (!issuer) {
    throw new MtlsError('MTLS_REVOKE_NOT_ISSUED_HERE', `${target.origin} ("${certificate.facts.subject.replace(/\n/g, ', ')}", issued by "${certificate.facts.issuer.replace(/\n/g, ', ')}") was not signed by a CA in ${dir}; nothing was recorded.`, {
      details: { certificate: target.origin, issuer: certificate.facts.issuer, dir },
    });
  }
  return { issuer, serialNumber: normalizeSerial(certificate.facts.serialNumber) as string, subject: certificate.facts.subject, notAfter: certificate.facts.notAfter };
}

function rootRefused(dir: string): MtlsError {
  return new MtlsError('MTLS_USAGE', `The root CA of ${dir} cannot be revoked by its own CRL: nothing above it signs one.`, {
    fixes: [`Stop trusting it instead: \`mtls ca uninstall --dir ${dir}\`, and remove its ca.crt from every --client-ca / --cacert.`],
  });
}

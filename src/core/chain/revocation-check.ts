/**
 * `chain verify --crl`: a minimal CRL check of a validated path (issue 19). Issue 15 (h-limbo)
 * owns CRL checking inside chain verify; this stays small and separate so the two can be
 * reconciled at merge. Each certificate below the anchor is checked against a CRL whose issuer
 * is the next certificate of the path, signed by it and current at `at` (as -crl_check_all).
 */
import type { ParsedCertificate } from '../certificate/parse.js';
import { x509 } from '../pki/x509.js';
import { reasonName } from '../revocation/reasons.js';
import { normalizeSerial } from '../revocation/serial.js';
import { nameOf } from './verify.js';
import type { ChainProblem } from './types.js';

export interface RevocationCheck {
  /** Certificates checked against a CRL (the anchor is not: nothing above it signs a CRL). */
  checked: number;
  crls: number;
  problems: ChainProblem[];
}

/** `path`: the validated path, leaf first, ending at the anchor. `crls`: DER of every CRL given. */
export async function checkRevocation(path: ParsedCertificate[], crls: Buffer[], at: Date): Promise<RevocationCheck> {
  const parsed = crls.map((der) => new x509.X509Crl(der));
  const problems: ChainProblem[] = [];
  let checked = 0;
  for (let position = 0; position < path.length - 1; position++) {
    const cert = path[position] as ParsedCertificate;
    const issuer = path[position + 1] as ParsedCertificate;
    checked += 1;
    const issuerX509 = new x509.X509Certificate(issuer.der);
    const named = parsed.filter((crl) => crl.issuerName.toString() === issuerX509.subjectName.toString());
    const signed: x509.X509Crl[] = [];
    for (const crl of named) if (await crl.verify({ publicKey: issuerX509 }).catch(() => false)) signed.push(crl);
    const who = `${position === 0 ? 'the certificate' : 'the intermediate'} '${nameOf(cert)}'`;
    const current = signed.filter((crl) => crl.thisUpdate.getTime() <= at.getTime() && (!crl.nextUpdate || crl.nextUpdate.getTime() >= at.getTime()));
    if (current.length === 0) {
      const why = signed.length > 0
        ? `the CRL of '${nameOf(issuer)}' is ${signed.some((c) => c.nextUpdate && c.nextUpdate.getTime() < at.getTime()) ? `past its nextUpdate (${signed[0]?.nextUpdate?.toISOString()})` : 'not valid yet'}`
        : named.length > 0 ? `the CRL named after '${nameOf(issuer)}' is not signed by its key` : `no CRL given is from its issuer '${nameOf(issuer)}'`;
      problems.push({ rule: 'crl', code: 'MTLS_CHAIN_CRL_UNUSABLE', position, certificate: nameOf(cert), summary: `The revocation of ${who} cannot be checked: ${why}.`, fix: 'Give the current CRL of every CA of the chain (`mtls ca crl --dir DIR` writes them all to DIR/crl.pem).' });
      continue;
    }
    const serial = normalizeSerial(cert.facts.serialNumber);
    for (const crl of current) {
      const entry = crl.entries.find((e) => normalizeSerial(e.serialNumber) === serial);
      if (!entry) continue;
      const reason = reasonName(entry.reason);
      const date = entry.revocationDate.toISOString();
      problems.push({
        rule: 'revoked',
        code: 'MTLS_CHAIN_CERT_REVOKED',
        position,
        certificate: nameOf(cert),
        summary: `${who.charAt(0).toUpperCase()}${who.slice(1)} is revoked: the CRL of '${nameOf(issuer)}' lists serial ${serial}, revoked on ${date} (reason: ${reason}).`,
        fix: position === 0 ? 'Issue a replacement and deploy it: `mtls issue client NAME --dir DIR --force` (or `issue server`).' : 'Its CA revoked this intermediate: issue a new one and reissue what it signed.',
      });
      break;
    }
  }
  return { checked, crls: crls.length, problems };
}

import type { ParsedCertificate } from '../certificate/parse.js';
import { WEAK_SIGNATURE_ALGORITHMS } from '../certificate/oids.js';
import { ekuAllows, leafKeyUsageAllows, PURPOSE_EKU } from '../chain/purpose.js';
import { nameOf } from '../chain/verify.js';
import { catalog } from '../../diagnoses/catalog.js';
import { certificatesNear, matchKey } from '../match.js';
import type { LoadedKey } from '../load/types.js';
import { thresholdMoment, type Threshold } from '../time/duration.js';
import { CLIENT_AUTH_OID, clientAuthSunsetFor, clientAuthSunsetWarning, nodeNameFormat } from '../public-ca/client-auth-sunset.js';
import { notYetValidText, renewFix } from './fixes.js';
import { check, skipped, type DoctorCheck, type Role } from './types.js';

/**
 * The key against the certificate, by SPKI fingerprint (`mtls match`). On a mismatch, the
 * certificates in the certificate's folder are searched for the one the key belongs to.
 */
export async function keyMatchCheck(
  leaf: ParsedCertificate,
  cert: { origin: string; file?: string },
  key: { key: LoadedKey; origin: string; file?: string },
): Promise<DoctorCheck> {
  const neighbours = cert.file ? await certificatesNear(cert.file) : [];
  const result = matchKey({ cert: leaf, from: cert.origin }, { key: key.key, from: key.origin }, neighbours);
  if (result.matches) return check('key-match', 'Key matches certificate', 'pass', result.verdict);
  const elsewhere = result.keyBelongsTo[0];
  return check('key-match', 'Key matches certificate', 'fail', result.verdict, {
    code: 'MTLS_MATCH_MISMATCH',
    fix: elsewhere ? `Use ${elsewhere.from} with this key, or the key that belongs to ${cert.origin} (\`mtls match CERT KEY\`).` : `Find the key that belongs to ${cert.origin}: \`mtls match ${cert.origin} KEY…\`.`,
    ...(key.file ? { file: key.file } : {}),
  });
}

/** Dates are written out absolutely, so the same setup prints the same report every day (CI logs). */
export function validityCheck(leaf: ParsedCertificate, failWithin: Threshold, now: Date, file?: string, caFile?: string): DoctorCheck {
  const title = 'Validity';
  const name = nameOf(leaf);
  const notBefore = new Date(leaf.facts.notBefore);
  const notAfter = new Date(leaf.facts.notAfter);
  const at = file ? { file } : {};
  if (now > notAfter) {
    // The same fix as `mtls request` gives (src/core/doctor/fixes.ts), with the user's paths.
    return check('validity', title, 'fail', `'${name}' expired on ${leaf.facts.notAfter}.`, { code: 'MTLS_CERT_EXPIRED', fix: renewFix({ cert: file ?? null, key: null, ca: caFile ?? null }), ...at });
  }
  if (now < notBefore) {
    return check('validity', title, 'fail', `'${name}' is not valid before ${leaf.facts.notBefore}.`, { code: 'MTLS_CERT_NOT_YET_VALID', fix: notYetValidText(leaf.facts.notBefore, leaf.facts.subjectCommonName ?? leaf.facts.subject, now), ...at });
  }
  if (now >= thresholdMoment(failWithin, notBefore, notAfter)) {
    return check('validity', title, 'fail', `'${name}' expires on ${leaf.facts.notAfter}, within --fail-within ${failWithin.text}.`, {
      code: 'MTLS_CERT_EXPIRES_SOON',
      fix: catalog.MTLS_CERT_EXPIRES_SOON.fixes[0],
      ...at,
    });
  }
  return check('validity', title, 'pass', `'${name}' is valid until ${leaf.facts.notAfter}, beyond --fail-within ${failWithin.text}.`);
}

/** A TLS client certificate needs clientAuth (or no EKU) and a signing key usage; a server one serverAuth. */
export function usageCheck(leaf: ParsedCertificate, role: Role, file?: string): DoctorCheck {
  const title = `Key usage fits a TLS ${role}`;
  const facts = leaf.facts;
  const eku = facts.extendedKeyUsage;
  const ku = facts.keyUsage;
  const described = `extendedKeyUsage ${eku ? eku.join(', ') || '(empty)' : '(absent: any use)'}, keyUsage ${ku ? ku.join(', ') || '(empty)' : '(absent: any use)'}`;
  const fix = `Issue a ${role} certificate: \`mtls issue ${role} NAME\` (or ask your CA for its TLS ${role} profile).`;
  if (!ekuAllows(facts, role)) {
    return check('usage', title, 'fail', `'${nameOf(leaf)}' is not for TLS ${role} authentication: ${described}, without ${PURPOSE_EKU[role]}.`, {
      code: 'MTLS_CHAIN_WRONG_PURPOSE',
      fix,
      ...(file ? { file } : {}),
    });
  }
  if (!leafKeyUsageAllows(facts, role)) {
    return check('usage', title, 'fail', `'${nameOf(leaf)}' cannot sign a TLS handshake: ${described}, without digitalSignature.`, {
      code: 'MTLS_CHAIN_WRONG_PURPOSE',
      fix,
      ...(file ? { file } : {}),
    });
  }
  return check('usage', title, 'pass', `${described}.`);
}

/** SHA-1/MD5 signatures and RSA keys under 2048 bits are refused by OpenSSL 3 at its default level. */
export function algorithmsCheck(certificates: ParsedCertificate[], file?: string): DoctorCheck {
  const title = 'Algorithms';
  const weakSignatures = certificates.filter((c) => WEAK_SIGNATURE_ALGORITHMS.has(c.facts.signatureAlgorithm) && !c.facts.selfSigned);
  const smallKeys = certificates.filter((c) => c.facts.publicKey.algorithm.startsWith('RSA') && (c.facts.publicKey.bits ?? 0) < 2048);
  const at = file ? { file } : {};
  if (weakSignatures.length > 0) {
    const list = weakSignatures.map((c) => `'${nameOf(c)}' (${c.facts.signatureAlgorithm})`).join(', ');
    return check('algorithms', title, 'fail', `Signed with a broken hash: ${list}.`, { code: 'MTLS_WEAK_SIGNATURE', fix: catalog.MTLS_WEAK_SIGNATURE.fixes[0], ...at });
  }
  if (smallKeys.length > 0) {
    const list = smallKeys.map((c) => `'${nameOf(c)}' (RSA ${c.facts.publicKey.bits})`).join(', ');
    return check('algorithms', title, 'fail', `Keys under 2048 bits: ${list}.`, { code: 'MTLS_WEAK_KEY', fix: catalog.MTLS_WEAK_KEY.fixes[0], ...at });
  }
  const leaf = certificates[0];
  return check('algorithms', title, 'pass', leaf ? `${leaf.facts.signatureAlgorithm}, ${leaf.facts.publicKey.algorithm}${leaf.facts.publicKey.bits ? ` ${leaf.facts.publicKey.bits}` : ''}; no weak algorithm in the chain.` : 'No weak algorithm.');
}

/**
 * Clients match a server only against subjectAltName (RFC 6125; browsers, Go, Node): a
 * server certificate without one is refused for every name. Servers identify clients by
 * subject or by their own rules, so a client certificate without SANs is fine.
 */
export function namesCheck(leaf: ParsedCertificate, role: Role, file?: string): DoctorCheck {
  const title = 'Names';
  const names = leaf.facts.subjectAltNames.filter((n) => n.type === 'DNS' || n.type === 'IP' || n.type === 'URI' || n.type === 'email');
  const cn = leaf.facts.subjectCommonName;
  if (names.length > 0) return check('names', title, 'pass', `subjectAltName ${names.map((n) => `${n.type}:${n.value}`).join(', ')}${cn ? `; CN '${cn}'` : ''}.`);
  if (role === 'client') {
    return check('names', title, 'pass', `No subjectAltName; the server sees the subject '${leaf.facts.subject}' (enough for a client certificate).`);
  }
  return check('names', title, 'fail', `'${nameOf(leaf)}' has no subjectAltName${cn ? `: its name '${cn}' is only in the CN, which clients ignore` : ''}.`, {
    code: 'MTLS_CERT_NO_SAN',
    fix: `Reissue it with its host names: \`mtls issue server NAME --san ${cn ?? 'HOST'}\`.`,
    ...(file ? { file } : {}),
  });
}

export function noCertificate(id: string, title: string): DoctorCheck {
  return skipped(id, title, 'No certificate was read.');
}

/**
 * A client certificate from a public CA that stops issuing clientAuth certificates: a warning
 * before it breaks (it cannot be renewed as it is). Only listed when it applies.
 */
export function publicCaCheck(chain: ParsedCertificate[], now: Date, file?: string): DoctorCheck | null {
  const leaf = chain[0];
  if (!leaf || !leaf.facts.extendedKeyUsage?.includes('clientAuth')) return null;
  const sunset = clientAuthSunsetFor([CLIENT_AUTH_OID], chain.map((c) => nodeNameFormat(c.facts.issuer)));
  if (!sunset) return null;
  return check('public-ca', 'Client certificate from a public CA', 'warn', clientAuthSunsetWarning(sunset, now), {
    code: 'MTLS_CLIENT_CERT_PUBLIC_CA',
    fix: catalog.MTLS_CLIENT_CERT_PUBLIC_CA.fixes[0],
    ...(file ? { file } : {}),
  });
}

import { linkBundle } from '../certificate/bundle.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { systemTrustAnchors, trustAnchorsFrom } from '../chain/trust.js';
import type { ChainLink, ChainProblem, ChainVerification } from '../chain/types.js';
import { nameOf, verifyChain } from '../chain/verify.js';
import { thresholdMoment, type Threshold } from '../time/duration.js';
import { check, skipped, type DoctorCheck, type Role } from './types.js';

export interface ChainInput {
  leaf: ParsedCertificate;
  /** The certificates sent with the leaf (from its own file). */
  bundled: ParsedCertificate[];
  /** --cacert, when given. */
  ca: { certificates: ParsedCertificate[]; origin: string } | null;
  role: Role;
  now: Date;
  file?: string;
}

/**
 * Problems the earlier checks already name (the leaf's dates and usage) and the CA dates (the
 * next check) are left out here, so each cause is reported once, at its own line.
 */
function structural(problem: ChainProblem): boolean {
  if (problem.rule === 'expired' || problem.rule === 'not-yet-valid') return false;
  return !(problem.position === 0 && (problem.rule === 'purpose' || problem.rule === 'leaf-key-usage'));
}

/**
 * The path from the leaf, through the certificates sent with it, to a CA in --cacert, checked
 * as a TLS peer would (the chain verifier with the role's purpose). A client certificate's CA is
 * private almost always, so without --cacert there is nothing to anchor it to; a server's may
 * be public, so the system store is used.
 */
export function chainCheck(input: ChainInput): { check: DoctorCheck; verification: ChainVerification | null } {
  const title = 'Chain to a trusted CA';
  if (!input.ca && input.role === 'client') {
    return { check: skipped('chain', title, 'No --cacert given: pass the CA that issued your certificate (and that the server trusts) to follow the chain to it.'), verification: null };
  }
  const trust = input.ca ? trustAnchorsFrom(input.ca.certificates, input.ca.origin) : systemTrustAnchors();
  const verification = verifyChain({ leaf: input.leaf, bundled: input.bundled, trust, purpose: input.role, at: input.now });
  const problem = verification.problems.find(structural);
  if (problem) {
    return { check: check('chain', title, 'fail', problem.summary, { code: problem.code, fix: problem.fix, ...(input.file ? { file: input.file } : {}) }), verification };
  }
  const path = verification.path.map((l) => `'${l.name}'`).join(' → ');
  return { check: check('chain', title, 'pass', `${path}, anchored in ${trust.origin}.`), verification };
}

/** Intermediates and roots expire too, and then every certificate below them fails at once. */
export function caExpiryCheck(links: Pick<ChainLink, 'name' | 'role' | 'notBefore' | 'notAfter'>[], failWithin: Threshold, now: Date, file?: string): DoctorCheck {
  const title = 'CA certificates valid';
  if (links.length === 0) return skipped('ca-expiry', title, 'No intermediate or root certificate is known (give --cacert).');
  const at = file ? { file } : {};
  for (const link of links) {
    const notAfter = new Date(link.notAfter);
    if (now > notAfter) {
      return check('ca-expiry', title, 'fail', `The ${link.role} '${link.name}' expired on ${link.notAfter}; every certificate it issued fails with it.`, {
        code: 'MTLS_CHAIN_CERT_EXPIRED',
        fix: 'Replace it with the current one from its CA (`mtls chain build CERT --fetch`), or renew the CA.',
        ...at,
      });
    }
    if (now < new Date(link.notBefore)) {
      return check('ca-expiry', title, 'fail', `The ${link.role} '${link.name}' is not valid before ${link.notBefore}.`, { code: 'MTLS_CHAIN_CERT_NOT_YET_VALID', fix: 'Check the clocks (`date -u`).', ...at });
    }
    if (now >= thresholdMoment(failWithin, new Date(link.notBefore), notAfter)) {
      return check('ca-expiry', title, 'fail', `The ${link.role} '${link.name}' expires on ${link.notAfter}, within --fail-within ${failWithin.text}.`, {
        code: 'MTLS_CERT_EXPIRES_SOON',
        fix: 'Renew the CA and reissue what it signed before then; `mtls expiry DIR` lists them.',
        ...at,
      });
    }
  }
  return check('ca-expiry', title, 'pass', links.map((l) => `${l.role} '${l.name}' until ${l.notAfter}`).join('; ') + '.');
}

/** The CA links of a verified path, or the certificates sent after the leaf when no path was built. */
export function caLinks(verification: ChainVerification | null, bundled: ParsedCertificate[]): Pick<ChainLink, 'name' | 'role' | 'notBefore' | 'notAfter'>[] {
  if (verification) return verification.path.slice(1);
  return bundled.map((c) => ({ name: nameOf(c), role: c.facts.selfSigned ? 'root' : 'intermediate', notBefore: c.facts.notBefore, notAfter: c.facts.notAfter }));
}

/** What the bundle sends beyond what a peer needs: copies, strays, the root; and whether it is in order. */
export function bundleCheck(certificates: ParsedCertificate[], file?: string): DoctorCheck {
  const title = 'Bundle contents';
  if (certificates.length <= 1) return check('bundle', title, 'pass', 'The certificate file holds the leaf only.');
  const links = linkBundle(certificates);
  const label = (i: number) => `#${i + 1} '${nameOf(certificates[i] as ParsedCertificate)}'`;
  const findings: { code: DoctorCheck['code']; text: string; fix: string }[] = [];
  if (!links.inOrder) {
    findings.push({ code: 'MTLS_BUNDLE_OUT_OF_ORDER', text: `not in leaf → issuer order (should be ${links.path.map((i) => `#${i + 1}`).join(' → ')})`, fix: '`mtls chain build CERT --from CERT --out chain.pem` writes it in order.' });
  }
  for (const [first, repeat] of links.duplicates) {
    findings.push({ code: 'MTLS_BUNDLE_DUPLICATE', text: `#${repeat + 1} is a copy of ${label(first)}`, fix: 'Remove the copy (`mtls chain build CERT --from CERT --out chain.pem`).' });
  }
  for (const extra of links.extras) {
    findings.push({ code: 'MTLS_BUNDLE_EXTRA', text: `${label(extra)} is not on the leaf's chain`, fix: 'Remove it (`mtls chain build CERT --from CERT --out chain.pem`).' });
  }
  if (links.endsAtRoot && links.path.length > 1) {
    const root = links.path[links.path.length - 1] as number;
    findings.push({ code: 'MTLS_BUNDLE_INCLUDES_ROOT', text: `the root ${label(root)} is sent along; peers must have it already`, fix: 'Leave the root out: `mtls chain build CERT --from CERT --out chain.pem`.' });
  }
  const first = findings[0];
  if (!first) return check('bundle', title, 'pass', `${certificates.length} certificates, in order: ${links.path.map(label).join(' → ')}.`);
  return check('bundle', title, 'warn', `${capital(findings.map((f) => f.text).join('; '))}.`, { ...(first.code ? { code: first.code } : {}), fix: first.fix, ...(file ? { file } : {}) });
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

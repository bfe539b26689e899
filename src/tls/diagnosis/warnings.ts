import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { CertificateFacts } from '../../core/certificate/parse.js';
import { diagnose } from '../../core/errors.js';
import { clientAuthSunsetWarning } from '../../core/public-ca/client-auth-sunset.js';
import type { Diagnosis } from '../../diagnoses/types.js';
import type { ClientFacts } from './facts.js';

/**
 * What is wrong though nothing failed yet, or what explains a failure better than the
 * certificate does: a TLS-inspecting proxy, a public CA leaving clientAuth, clocks far apart.
 */

/** Inspection products, as their CAs name themselves in issuer names. */
const INSPECTION = /zscaler|netskope|palo ?alto|fortinet|fortigate|cisco umbrella|opendns|blue ?coat|symantec (ssl|web) visibility|forcepoint|websense/i;

let bundledRoots: Set<string> | null = null;

/** Fingerprints of Node's bundled Mozilla roots, parsed once and only when asked. */
function bundledRootFingerprints(): Set<string> {
  bundledRoots ??= new Set(rootCertificates.map((pem) => new X509Certificate(pem).fingerprint256));
  return bundledRoots;
}

function colonFingerprint(facts: CertificateFacts): string {
  return facts.fingerprintSha256.replace(/:/g, '').toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * The server's certificate was made by a TLS-inspecting proxy: its issuer names a known product,
 * or (no --cacert, verified all the same) the chain ends in a root that is not one of Node's
 * bundled roots: a CA added to this machine (NODE_EXTRA_CA_CERTS), as inspection agents do.
 */
export function inspectionBy(serverChain: CertificateFacts[], verified: boolean, cacertGiven: boolean): string | null {
  const named = serverChain.find((c) => INSPECTION.test(c.issuer) || (c !== serverChain[0] && INSPECTION.test(c.subject)));
  if (named) return `the server certificate's issuer "${INSPECTION.test(named.issuer) ? named.issuer : named.subject}" is a TLS inspection product`;
  if (!verified || cacertGiven || serverChain.length === 0) return null;
  const root = serverChain.find((c) => c.selfSigned);
  if (!root) return null;
  if (bundledRootFingerprints().has(colonFingerprint(root))) return null;
  return `the server's chain ends in "${root.subject}", a root this machine trusts (NODE_EXTRA_CA_CERTS or a system store) that is not a public one`;
}

export function inspectionDiagnosis(where: string, why: string, details: Record<string, string | number | boolean | string[]>): Diagnosis {
  return diagnose('MTLS_TLS_INSPECTION', `The connection to ${where} is probably intercepted by a TLS-inspecting proxy: ${why}. A proxy that re-signs the server's certificate ends TLS itself, so your client certificate never reaches the server.`, { details });
}

/** Five minutes: beyond NTP's usual error, below what a cache or a slow response explains. */
const SKEW_LIMIT_MS = 5 * 60_000;

export function clockSkewDiagnosis(where: string, serverDate: string | undefined, now: Date, client: ClientFacts | null): Diagnosis | null {
  const at = serverDate ? Date.parse(serverDate) : Number.NaN;
  if (Number.isFinite(at) && Math.abs(at - now.getTime()) > SKEW_LIMIT_MS) {
    const minutes = Math.round((at - now.getTime()) / 60_000);
    return diagnose('MTLS_CLOCK_SKEW', `${where} says it is ${serverDate} (its Date header), ${Math.abs(minutes)} minutes ${minutes > 0 ? 'ahead of' : 'behind'} this machine's clock: certificate dates are judged by each side's own clock.`, { details: { serverDate: serverDate ?? '', localDate: now.toUTCString() } });
  }
  if (client && client.lifetimeMinutes <= 60) {
    return diagnose('MTLS_CLOCK_SKEW', `Your client certificate is valid for ${Math.round(client.lifetimeMinutes)} minutes only (${client.leaf.notBefore} to ${client.leaf.notAfter}): a clock a few minutes off on either side refuses it.`, {});
  }
  return null;
}

export function publicCaDiagnosis(client: ClientFacts | null, now: Date): Diagnosis | null {
  if (!client?.publicCa) return null;
  return diagnose('MTLS_CLIENT_CERT_PUBLIC_CA', `Your client certificate "${client.leaf.subjectCommonName ?? client.leaf.subject}" comes from ${client.publicCa.ca}: ${clientAuthSunsetWarning(client.publicCa, now)}`, {});
}

import { notYetValidFixes, shellWord } from '../../core/doctor/fixes.js';
import type { ClientFacts } from './facts.js';

export { certFile, fileOf, keyFile, renewFix, shellWord, type UserFiles } from '../../core/doctor/fixes.js';

/** Case 5 of issue 14: the bundle command with the real paths. */
export function sendIntermediateFix(f: ClientFacts): string {
  const cert = f.files.cert ?? 'client.crt';
  const intermediate = f.intermediate?.file ?? 'intermediate.crt';
  const out = cert.replace(/(\.(crt|pem|cer))?$/, '-chain.crt');
  const name = f.intermediate ? ` ("${f.intermediate.name}")` : '';
  return `Send the intermediate${name} with your certificate: \`cat ${shellWord(cert)} ${shellWord(intermediate)} > ${shellWord(out)}\`, then pass \`--cert ${shellWord(out)}\`.`;
}

export function acceptedList(names: string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** Case 10: a CA the server does not trust is fixed on the server or with another certificate, never with --cacert. */
export function otherCaFix(f: ClientFacts): string {
  if (f.acceptedCas) return `Use a certificate issued by a CA the server accepts: ${acceptedList(f.acceptedCas)} (your certificate was issued by "${f.leaf.issuer}"), or have the server's operator add "${f.leaf.issuer}" to its client CAs.`;
  if (f.listUnknown === 'tls13-only') return 'The server speaks TLS 1.3 only, which encrypts the list of CAs it accepts: ask its operator which CA issues its client certificates, and use a certificate from that CA.';
  const see = f.listUnknown === 'not-probed' ? ' (`mtls request URL -v` lists them when the server speaks TLS 1.2)' : '';
  return `Use a certificate from the CA the server trusts for clients, or have the server's operator add "${f.leaf.issuer}" to its client CAs${see}.`;
}

/** Case 8 (src/core/doctor/fixes.ts, shared with doctor). */
export function notYetValidFix(f: ClientFacts): string[] {
  const cert = f.notYetValid ?? f.leaf;
  return notYetValidFixes(cert.notBefore, cert.subjectCommonName ?? cert.subject, f.now);
}

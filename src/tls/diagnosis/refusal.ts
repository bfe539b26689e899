import { diagnose } from '../../core/errors.js';
import type { DiagnosisCode } from '../../diagnoses/catalog.js';
import type { Diagnosis, RankedCause } from '../../diagnoses/types.js';
import type { ClientFacts } from './facts.js';
import { acceptedList, certFile, keyFile } from './fixes.js';
import { rankRules, type RankedRule, type Refusal } from './rules.js';

export type Details = Record<string, string | number | boolean | string[]>;

function likelihood(weight: number): RankedCause['likelihood'] {
  return weight >= 80 ? 'high' : weight >= 30 ? 'medium' : 'low';
}

/** What the summary says after "rejected your client certificate NAME". */
function because(code: DiagnosisCode, f: ClientFacts, top: RankedRule): string {
  switch (top.rule.id) {
    case 'expired':
      return f.expired && f.expired !== f.leaf ? `: "${f.expired.subjectCommonName ?? f.expired.subject}" in its chain expired on ${f.expired.notAfter}` : `: it expired on ${f.leaf.notAfter}`;
    case 'not-yet-valid':
      return `: it is valid only from ${(f.notYetValid ?? f.leaf).notBefore}`;
    case 'usage':
      return `: it is not meant for client authentication (extended key usage: ${f.leaf.extendedKeyUsage?.join(', ') ?? 'none'})`;
    case 'missing-intermediate':
      return `: it was sent without the intermediate CA "${f.leaf.issuer}" that issued it`;
    case 'weak-key':
      return `: its ${f.weakKey?.algorithm} key of ${f.weakKey?.bits} bits is too weak (OpenSSL: "EE certificate key too weak" at security level 2)`;
    case 'weak-signature':
      return `: "${f.weakSignature?.name}" is signed with ${f.weakSignature?.algorithm} (OpenSSL: "ca md too weak")`;
    case 'unknown-ca':
      return code === 'MTLS_CLIENT_CERT_UNKNOWN_CA' ? `: it does not trust the CA that issued it ("${f.leaf.issuer}")` : '';
    case 'chain-too-deep':
      return `: the chain you send (leaf and ${f.depth - 1} CAs) is probably deeper than it verifies`;
    case 'revoked':
      return ': it has been revoked';
    default:
      return '';
  }
}

/** The catalog's own fixes follow the specific ones, less those the specific ones already give with real paths. */
export function withFixes(diagnosis: Diagnosis, specific: string[]): Diagnosis {
  const lead = (fix: string) => fix.split('`')[0]?.trim().toLowerCase() ?? fix;
  const leads = new Set(specific.map(lead));
  const general = diagnosis.fixes.filter((fix) => !specific.includes(fix) && !leads.has(lead(fix)));
  return { ...diagnosis, fixes: [...specific, ...general] };
}

/**
 * The server refused the certificate that was sent. The one table (rules.ts) ranks every cause
 * against the certificate in hand and what the server said; the first gives code, summary and fixes.
 */
export function diagnoseRefusal(f: ClientFacts, refusal: Refusal, where: string, how: string, details: Details): Diagnosis {
  const ranked = rankRules(f, refusal);
  const top = ranked[0] as RankedRule;
  const code = top.rule.code;
  const name = `"${f.leaf.subjectCommonName ?? f.leaf.subject}"`;
  const summary = `${where} rejected your client certificate ${name}${because(code, f, top)} ${how}.`.replace(/\s+\./, '.');
  const causes = ranked.map(({ rule, weight, named }) => ({ cause: rule.cause, likelihood: likelihood(weight), evidence: rule.evidence(f, named) }));
  // The fixes of what the evidence points at (high), the first cause's first.
  const specific = ranked.filter((r, i) => i === 0 || r.weight >= 80).flatMap((r) => r.rule.fixes(f, r.named));
  if (f.publicCa) details.publicCa = f.publicCa.ca;
  return withFixes(diagnose(code, summary, { details, causes }), [...new Set(specific)]);
}

/** No certificate was sent, and the server wants one. */
export function diagnoseRequired(summary: string, acceptedCas: string[] | null, files: ClientFacts['files'], details: Details): Diagnosis {
  const specific: string[] = [];
  const pass = files.cert ? `--cert ${certFile(files)} --key ${keyFile(files)}` : '--cert client.crt --key client.key';
  specific.push(`Pass your certificate and key: \`mtls request URL ${pass}\`.`);
  if (acceptedCas && acceptedCas.length > 0) specific.push(`Use a certificate issued by one of the CAs the server accepts: ${acceptedList(acceptedCas)}.`);
  return withFixes(diagnose('MTLS_CLIENT_CERT_REQUIRED', summary, { details }), specific);
}

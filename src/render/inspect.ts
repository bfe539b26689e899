import type { ChalkInstance } from 'chalk';
import type { CertificateReport, KeyReport, SourceReport } from '../core/inspect/report.js';
import { EXPIRY_WARNING_DAYS } from '../core/inspect/report.js';
import { relativeTime } from '../core/time/relative.js';
import { keyLabel } from '../core/key/describe.js';
import type { Diagnosis } from '../diagnoses/types.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

const LABEL_WIDTH = 15;

/** Human form of one inspected input: a header, the chain drawn, each object, then findings. */
export function renderSourceReport(given: SourceReport, style: ChalkInstance, now: Date): string {
  // Subjects, SANs, URLs and file names come from the input: escaped once, here.
  const report = escapeControlsDeep(given);
  const lines: string[] = [];
  lines.push(style.bold(`${report.source}`) + style.dim(`  (${report.format}, ${summaryOf(report)})`));
  if (report.pkcs12) {
    const p12 = report.pkcs12;
    lines.push(field('PKCS#12', `${p12.dialect} dialect`, style));
    lines.push(field('Certificates', p12.certificateEncryption ? algorithmText(p12.certificateEncryption) : 'not encrypted', style));
    lines.push(field('Key', p12.keyEncryption ? algorithmText(p12.keyEncryption) : 'not encrypted', style));
    lines.push(field('MAC', p12.mac ? `${p12.mac.algorithm}, ${p12.mac.iterations} iterations` : 'none (integrity not protected)', style));
    lines.push(field('Readable by', p12.readableBy, style));
  }
  const request = report.connection?.clientCertificateRequest;
  if (request) lines.push(field('Client cert', clientRequestText(request), style));
  if (report.bundle && report.certificates.length > 1) lines.push('', ...renderChainDrawing(report, style));
  for (const cert of report.certificates) lines.push('', ...renderCertificate(cert, report.certificates.length, style, now));
  for (const key of report.keys) lines.push('', ...renderKey(key, style));
  for (const locked of report.lockedKeys) {
    lines.push('', style.bold('Private key') + style.dim(` · ${locked.encoding}`));
    lines.push(field('Encrypted', `${locked.encryption}; give --pass to open it and show its type`, style));
  }
  for (const csr of report.csrs) {
    lines.push('', style.bold('Certificate request (CSR)') + style.dim(` · ${keyLabel(csr.publicKey)}`));
    lines.push(field('Subject', csr.subject || '(empty)', style));
    if (csr.subjectAltNames.length > 0) lines.push(field('SANs', csr.subjectAltNames.map((n) => `${n.type}:${n.value}`).join(', '), style));
    lines.push(field('Signature', `${csr.signatureAlgorithm}, ${csr.signatureValid ? style.green('valid') : style.red('does not verify')}`, style));
    lines.push(field('Key SHA-256', csr.publicKey.spkiSha256, style));
  }
  if (report.findings.length > 0) {
    lines.push('');
    for (const finding of report.findings) lines.push(renderFinding(finding, style));
  }
  return `${lines.join('\n')}\n`;
}

type ClientRequest = NonNullable<NonNullable<SourceReport['connection']>['clientCertificateRequest']>;

/** What the server asks of clients, as openssl s_client's "Acceptable client certificate CA names". */
function clientRequestText(request: ClientRequest): string {
  if (request.requested === null) return `unknown whether the server asks for one (${request.unknownReason ?? 'no answer'})`;
  if (!request.requested) return 'not requested (the server does not ask for a client certificate)';
  const cas = request.acceptedCas ?? [];
  return `requested; CAs accepted: ${cas.length > 0 ? cas.map((ca) => `"${ca}"`).join('; ') : '(the server names none: any it trusts)'}`;
}

function summaryOf(report: SourceReport): string {
  const parts: string[] = [];
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (report.certificates.length > 0) parts.push(count(report.certificates.length, 'certificate'));
  const keys = report.keys.length + report.lockedKeys.length;
  if (keys > 0) parts.push(count(keys, 'private key'));
  if (report.csrs.length > 0) parts.push(count(report.csrs.length, 'CSR'));
  return parts.join(', ');
}

function renderChainDrawing(report: SourceReport, style: ChalkInstance): string[] {
  const bundle = report.bundle;
  if (!bundle) return [];
  const name = (i: number) => {
    const cert = report.certificates[i];
    return cert ? `#${i + 1} ${cert.role} "${cert.subjectCommonName ?? cert.subject}"` : `#${i + 1}`;
  };
  const lines = [style.bold('Chain')];
  bundle.path.forEach((index, position) => {
    const prefix = position === 0 ? '  ' : `  ${'   '.repeat(position - 1)}└─ `;
    lines.push(`${prefix}${name(index)}`);
  });
  const indent = `  ${'   '.repeat(Math.max(0, bundle.path.length - 1))}└─ `;
  if (bundle.missingIssuer) lines.push(style.yellow(`${indent}? "${bundle.missingIssuer}" (not in this bundle)`));
  const verdicts: string[] = [];
  verdicts.push(bundle.inOrder ? style.green('in order') : style.yellow('out of order'));
  verdicts.push(bundle.endsAtRoot ? 'ends at a root' : 'root not included');
  if (bundle.extras.length > 0) verdicts.push(style.yellow(`${bundle.extras.length} not on the chain: ${bundle.extras.map((i) => `#${i + 1}`).join(', ')}`));
  if (bundle.duplicates.length > 0) verdicts.push(style.yellow(`${bundle.duplicates.length} duplicate(s)`));
  lines.push(style.dim(`  ${verdicts.join(' · ')}`));
  return lines;
}

function renderCertificate(cert: CertificateReport, total: number, style: ChalkInstance, now: Date): string[] {
  const number = total > 1 ? `[${cert.index + 1}] ` : '';
  const lines = [style.bold(`${number}${cert.role}`) + style.dim(` · ${keyLabel(cert.publicKey)} · ${cert.signatureAlgorithm}`)];
  lines.push(field('Subject', cert.subject || '(empty)', style));
  if (cert.subjectAltNames.length > 0) lines.push(field('SANs', cert.subjectAltNames.map((n) => `${n.type}:${n.value}`).join(', '), style));
  lines.push(field('Issuer', cert.selfSigned ? `${cert.issuer} ${style.dim('(self-signed)')}` : cert.issuer, style));
  lines.push(field('Validity', `${cert.notBefore.slice(0, 10)} → ${cert.notAfter.slice(0, 10)}  ${validityText(cert, style, now)}`, style));
  lines.push(field('Serial', cert.serialNumber, style));
  lines.push(field('SHA-256', cert.fingerprintSha256, style));
  lines.push(field('Key usage', cert.keyUsage ? cert.keyUsage.join(', ') || '(empty)' : style.dim('(not present)'), style));
  lines.push(field('Ext. usage', cert.extendedKeyUsage ? cert.extendedKeyUsage.join(', ') || '(empty)' : style.dim('(not present: any purpose)'), style));
  if (cert.basicConstraints) {
    const bc = cert.basicConstraints;
    const pathLen = bc.ca && bc.pathLength !== null ? `, pathlen ${bc.pathLength}` : '';
    lines.push(field('Basic', `CA:${bc.ca ? 'TRUE' : 'FALSE'}${pathLen}${bc.critical ? ' (critical)' : ''}`, style));
  }
  if (cert.subjectKeyIdentifier) lines.push(field('Subject KID', cert.subjectKeyIdentifier, style));
  if (cert.authorityKeyIdentifier) lines.push(field('Authority KID', cert.authorityKeyIdentifier, style));
  if (cert.ocspUrls.length > 0) lines.push(field('OCSP', cert.ocspUrls.join(', '), style));
  if (cert.caIssuerUrls.length > 0) lines.push(field('CA issuers', cert.caIssuerUrls.join(', '), style));
  if (cert.crlUrls.length > 0) lines.push(field('CRL', cert.crlUrls.join(', '), style));
  return lines;
}

function validityText(cert: CertificateReport, style: ChalkInstance, now: Date): string {
  const notAfter = new Date(cert.notAfter);
  if (cert.validity.status === 'expired') return style.red.bold(`EXPIRED ${relativeTime(notAfter, now)}`);
  if (cert.validity.status === 'not yet valid') return style.red.bold(`NOT YET VALID (starts ${relativeTime(new Date(cert.notBefore), now)})`);
  const text = `(expires ${relativeTime(notAfter, now)})`;
  return cert.validity.secondsToExpiry < EXPIRY_WARNING_DAYS * 86_400 ? style.yellow.bold(text) : style.green(text);
}

function renderKey(key: KeyReport, style: ChalkInstance): string[] {
  const lines = [style.bold('Private key') + style.dim(` · ${keyLabel(key)} · ${key.encoding}`)];
  lines.push(field('Encrypted', key.encryption ?? 'no', style));
  lines.push(field('Key SHA-256', `${key.spkiSha256} ${style.dim('(of the public key)')}`, style));
  if (key.matchesCertificate !== null) lines.push(field('Matches', `certificate [${key.matchesCertificate + 1}]`, style));
  return lines;
}

function algorithmText(algorithm: { name: string; iterations?: number }): string {
  return algorithm.iterations ? `${algorithm.name}, ${algorithm.iterations} iterations` : algorithm.name;
}

/** Findings in inspect are notes, not failures: one line each, with the first fix. */
export function renderFinding(given: Diagnosis, style: ChalkInstance): string {
  const finding = escapeControlsDeep(given);
  const fix = finding.fixes[0] ? `\n    ${style.cyan('→')} ${finding.fixes[0].replace(/`([^`]+)`/g, (_m, c: string) => style.bold(c))}` : '';
  return `  ${style.yellow('!')} ${finding.summary} ${style.dim(`[${finding.code}]`)}${fix}`;
}

function field(label: string, value: string, style: ChalkInstance): string {
  return `  ${style.dim(label.padEnd(LABEL_WIDTH))}${value}`;
}

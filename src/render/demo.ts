import type { ChalkInstance } from 'chalk';
import type { DemoReport, DemoStep, DemoStepId } from '../cli/demo/script.js';
import type { ClientIdentity } from '../tls/serve/client-identity.js';
import { renderDiagnosis } from './diagnosis.js';
import { renderServeEvent } from './serve.js';
import { escapeControlsDeep } from '../core/text/control-chars.js';

const NARRATIVE: Record<DemoStepId, { title: string; expectation: string }> = {
  good: { title: 'A good client certificate: alice, issued by the CA the server trusts.', expectation: 'HTTP 200, and the server echoes who it saw' },
  'no-certificate': { title: 'No client certificate at all.', expectation: 'refused: the server requires one' },
  'other-ca': { title: 'A certificate from another CA: mallory, issued by "some other CA".', expectation: 'refused: the server does not trust that CA' },
  expired: { title: 'An expired certificate: bob-expired, from the right CA, but it ended yesterday.', expectation: 'refused: it has expired' },
};

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n');
}

function requestCommand(step: DemoStep, url: string): string {
  const credentials = step.clientFiles ? ` --cert ${step.clientFiles.cert} --key ${step.clientFiles.key}` : '';
  return `$ mtls request ${url}${credentials} --cacert ca.crt`;
}

function echoLines(echo: unknown): string[] {
  const identity = echo as Partial<ClientIdentity> | null;
  const certificate = identity?.certificate;
  if (!identity || !certificate) return [`${JSON.stringify(echo)}`];
  return [
    `subject      ${certificate.subject}`,
    `SANs         ${certificate.subjectAltNames.join(', ') || '(none)'}`,
    `SPIFFE ID    ${certificate.spiffeId ?? '(none)'}`,
    `issuer       ${certificate.issuer}`,
    `serial       ${certificate.serialNumber}`,
    `sha256       ${certificate.fingerprintSha256}`,
    `valid        ${certificate.notBefore} → ${certificate.notAfter}`,
    `verified     ${identity.verified ? 'yes' : 'no'}`,
    `TLS          ${identity.tls?.version ?? '?'}, ${identity.tls?.cipher ?? '?'}`,
  ];
}

function renderStep(step: DemoStep, index: number, url: string, style: ChalkInstance): string {
  const story = NARRATIVE[step.id];
  const lines = [`${style.bold(`${index + 1}. ${story.title}`)}`, `   ${style.dim(`Expected: ${story.expectation}.`)}`, `   ${requestCommand(step, url)}`];
  const mark = step.passed ? style.green('✓') : style.red('✗');
  if (step.id === 'good') {
    lines.push(`   ${mark} HTTP ${step.status ?? '—'}. The server's JSON echo of the client identity:`);
    if (step.echo) lines.push(...echoLines(step.echo).map((line) => `       ${line}`));
    if (step.diagnosis) lines.push(indent(renderDiagnosis(step.diagnosis, style), '     '));
  } else {
    const got = step.diagnosis?.code ?? 'no error';
    lines.push(`   ${mark} ${step.passed ? 'Refused, as expected.' : `Expected ${step.expected}, got ${got}.`} mtls request says:`);
    if (step.diagnosis) lines.push(indent(renderDiagnosis(step.diagnosis, style), '     '));
  }
  const serverLines = step.serverLog.map((event) => renderServeEvent(event, style).replace(/^\S+ /, '')).join('');
  lines.push(`   ${style.dim('Meanwhile the server logged:')}`);
  lines.push(serverLines ? indent(serverLines, '     ') : '     (nothing)');
  return lines.join('\n');
}

/** The demo as a story, for stdout: what was set up, each step from both ends, and how to do it by hand. */
/** mtls: how to type mtls where the demo ran (`node bin/mtls.js` after `npm start`, when mtls is not on PATH). */
export function renderDemo(given: DemoReport, style: ChalkInstance, mtls = 'mtls', onPath = true): string {
  const report = escapeControlsDeep(given);
  const url = report.url ?? 'https://127.0.0.1:PORT/';
  const out: string[] = [
    style.bold('mtls demo: a throwaway PKI, an mTLS server and four requests, all on this machine.'),
    '',
    `Made a CA ("mtls demo CA"), a server certificate for localhost/127.0.0.1 and client certificates in`,
    `${report.dir}, with a second, unrelated CA beside it. Started \`mtls serve\` on ${url}`,
    'requiring a client certificate from "mtls demo CA".',
    '',
  ];
  report.steps.forEach((step, i) => out.push(renderStep(step, i, url, style), ''));
  const passed = report.steps.filter((s) => s.passed).length;
  if (report.interrupted) out.push(style.yellow(`Interrupted after ${report.steps.length} step(s).`));
  else if (report.ok) out.push(style.green(`All ${report.steps.length} steps behaved as expected.`));
  else out.push(style.red(`${report.steps.length - passed} of ${report.steps.length} steps did not behave as expected.`));
  out.push(`The server was stopped and ${report.dir} removed.`, '');
  out.push(style.bold('Do it by hand:'));
  if (!onPath) out.push(`  (mtls is not on your PATH: \`npm link\` puts it there; until then, type \`${mtls}\`)`);
  out.push(
    `  ${mtls} ca init                                        # pki/ca.crt, pki/ca.key`,
    `  ${mtls} issue server localhost --san 127.0.0.1         # pki/localhost.crt, .key`,
    `  ${mtls} issue client alice --san spiffe://demo.mtls.local/alice`,
    `  ${mtls} serve --cert pki/localhost.crt --key pki/localhost.key --client-ca pki/ca.crt --port 8443 &`,
    `  ${mtls} request https://127.0.0.1:8443/ --cert pki/alice.crt --key pki/alice.key --cacert pki/ca.crt`,
    '',
  );
  return out.join('\n');
}

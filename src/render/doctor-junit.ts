import type { DoctorCheck } from '../core/doctor/types.js';
import type { DoctorReport } from '../core/doctor/report.js';

/**
 * JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure): one testsuite per
 * target, one testcase per check; a failed check is a <failure>, a skipped one <skipped>, and a
 * warning passes with its text in <system-out>.
 */
export function renderJunit(report: DoctorReport): string {
  const suites = new Map<string, DoctorCheck[]>();
  for (const check of report.checks) {
    const name = check.target ?? 'local setup';
    suites.set(name, [...(suites.get(name) ?? []), check]);
  }
  const { counts } = report;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="mtls doctor" tests="${report.checks.length}" failures="${counts.fail}" skipped="${counts.skip}">`,
  ];
  for (const [name, checks] of suites) {
    const failures = checks.filter((c) => c.status === 'fail').length;
    const skippedCount = checks.filter((c) => c.status === 'skip').length;
    lines.push(`  <testsuite name="${xml(name)}" tests="${checks.length}" failures="${failures}" skipped="${skippedCount}">`);
    for (const check of checks) lines.push(...testcase(check, name));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testcase(check: DoctorCheck, suite: string): string[] {
  const open = `    <testcase classname="${xml(`mtls.doctor.${suite}`)}" name="${xml(`${check.id}: ${check.title}`)}"${check.file ? ` file="${xml(check.file)}"` : ''}`;
  const detail = `${check.summary}${check.fix ? `\nFix: ${check.fix}` : ''}`;
  switch (check.status) {
    case 'pass':
      return [`${open}/>`];
    case 'skip':
      return [`${open}>`, `      <skipped message="${xml(check.summary)}"/>`, '    </testcase>'];
    case 'warn':
      return [`${open}>`, `      <system-out>${xml(`WARNING${check.code ? ` ${check.code}` : ''}: ${detail}`)}</system-out>`, '    </testcase>'];
    case 'fail':
      return [`${open}>`, `      <failure message="${xml(check.summary)}" type="${xml(check.code ?? 'failure')}">${xml(detail)}</failure>`, '    </testcase>'];
  }
}

function xml(text: string): string {
  // Control characters other than tab and newline are not allowed in XML 1.0 at all. DEL, C1
  // controls and bidi overrides are, and become character references: the same text to an XML
  // reader, inert when the file is shown on a terminal.
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (char) => `&#x${char.charCodeAt(0).toString(16)};`);
}

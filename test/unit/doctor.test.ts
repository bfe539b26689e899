/** The doctor's pure parts: which failure comes first, the exit code, and the CI renderers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { doctorExitCode, doctorReport } from '../../src/core/doctor/report.js';
import { check, skipped, type DoctorCheck } from '../../src/core/doctor/types.js';
import { createStyler } from '../../src/render/color.js';
import { renderDoctorReport } from '../../src/render/doctor.js';
import { renderGithubAnnotations } from '../../src/render/doctor-github.js';
import { renderJunit } from '../../src/render/doctor-junit.js';

const checks: DoctorCheck[] = [
  check('file.cert', 'Certificate file', 'pass', 'client.crt is present and readable.', { file: 'client.crt' }),
  check('key-permissions', 'Key file permissions', 'warn', 'client.key is readable by every user (mode 0644).', { code: 'MTLS_KEY_FILE_PERMISSIONS', fix: '`chmod 600 client.key`', file: 'client.key' }),
  check('validity', 'Validity', 'fail', "'c' expired on 2020-01-01T00:00:00.000Z.", { code: 'MTLS_CERT_EXPIRED', fix: 'Renew it.', file: 'certs/a,b:c.crt' }),
  check('chain', 'Chain', 'fail', 'Issuer missing.', { code: 'MTLS_CHAIN_ISSUER_MISSING', fix: 'Add it.' }),
  skipped('remote.request', 'Request', 'No request: 50% <done> & "quoted"\nsecond line.'),
];

test('the first failing check is what to fix first; exit 1 on a failure, 0 on warnings unless strict', () => {
  const report = doctorReport(checks, false);
  assert.equal(report.fixFirst?.id, 'validity');
  assert.deepEqual(report.counts, { pass: 1, warn: 1, fail: 2, skip: 1 });
  assert.equal(doctorExitCode(report), 1);
  const warningsOnly = checks.slice(0, 2);
  assert.equal(doctorExitCode(doctorReport(warningsOnly, false)), 0);
  const strict = doctorReport(warningsOnly, true);
  assert.equal(doctorExitCode(strict), 1);
  assert.equal(strict.fixFirst?.id, 'key-permissions');
});

test('the checklist shows every check, fixes under warnings and failures, and a summary naming the first fix', () => {
  const text = renderDoctorReport(doctorReport(checks, false), createStyler(false));
  assert.match(text, /^Local setup$/m);
  assert.match(text, /^ {2}FAIL {2}Validity: 'c' expired on 2020-01-01T00:00:00\.000Z\. \[MTLS_CERT_EXPIRED\]\n {8}fix: Renew it\.$/m);
  assert.match(text, /^ {2}WARN {2}Key file permissions: .*\n {8}fix: chmod 600 client\.key$/m);
  assert.match(text, /^NOT OK 2 failed, 1 warning, 1 passed, 1 skipped\. Fix first: Validity: Renew it\.$/m);
});

test('GitHub annotations: one per warning and failure, file and title escaped, message on one line', () => {
  const lines = renderGithubAnnotations(checks).trimEnd().split('\n');
  assert.deepEqual(lines, [
    '::warning file=client.key,title=MTLS_KEY_FILE_PERMISSIONS::Key file permissions: client.key is readable by every user (mode 0644). Fix: `chmod 600 client.key`',
    "::error file=certs/a%2Cb%3Ac.crt,title=MTLS_CERT_EXPIRED::Validity: 'c' expired on 2020-01-01T00:00:00.000Z. Fix: Renew it.",
    '::error title=MTLS_CHAIN_ISSUER_MISSING::Chain: Issuer missing. Fix: Add it.',
  ]);
  assert.equal(renderGithubAnnotations([checks[0] as DoctorCheck]), '');
});

test('JUnit: one testcase per check, failures and skips marked, text escaped', () => {
  const xml = renderJunit(doctorReport(checks, false));
  assert.match(xml, /<testsuites name="mtls doctor" tests="5" failures="2" skipped="1">/);
  assert.equal((xml.match(/<testcase /g) ?? []).length, 5);
  assert.match(xml, /<failure message="'c' expired on 2020-01-01T00:00:00\.000Z\." type="MTLS_CERT_EXPIRED">/);
  assert.match(xml, /<skipped message="No request: 50% &lt;done&gt; &amp; &quot;quoted&quot;\nsecond line\."\/>/);
  assert.match(xml, /<system-out>WARNING MTLS_KEY_FILE_PERMISSIONS: /);
});

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, STACK_TRACE } from '../helpers/cli.js';
import { freePort } from '../helpers/tmp.js';
import { CLIENT_EXT, issue, makeRequestPki } from './request-pki.js';

/** curl's habits on `mtls request` (-s, -S, --json BODY, -w, -v headers, -i reason phrase) against an echo server. */
const pki = makeRequestPki();
const echo = createServer(
  { cert: readFileSync(pki.server.cert), key: readFileSync(pki.server.key), ca: readFileSync(pki.rootCa), requestCert: true, rejectUnauthorized: true },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('set-cookie', ['session=server-cookie-secret; Path=/; HttpOnly']);
      res.setHeader('x-upstream-token', 'response-token-secret');
      res.writeHead(req.url === '/teapot' ? 418 : 201, req.url === '/teapot' ? "I'm a teapot" : 'Created Here', { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
    });
  },
);
await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
after(() => {
  echo.closeAllConnections();
  echo.close();
});
const port = (echo.address() as { port: number }).port;
const base = `https://localhost:${port}`;
const credentials = ['--cert', pki.goodClient.cert, '--key', pki.goodClient.key, '--cacert', pki.rootCa];

async function request(args: string[], options: { stdin?: string } = {}) {
  const result = await runCli(['request', ...args, ...credentials], { cwd: pki.dir, ...options });
  assert.doesNotMatch(result.stdout + result.stderr, STACK_TRACE);
  return result;
}

describe('mtls request: curl habits', { concurrency: true }, () => {
  it('--json BODY is curl\'s: the body, JSON Content-Type and Accept, POST', async () => {
    for (const args of [[`${base}/a`, '--json', '{"a":1}'], ['--json', '{"a":1}', `${base}/a`], [`${base}/a`, '--json={"a":1}']]) {
      const result = await request(args);
      assert.equal(result.code, 0, result.stderr);
      const seen = JSON.parse(result.stdout);
      assert.equal(seen.method, 'POST');
      assert.equal(seen.headers['content-type'], 'application/json');
      assert.equal(seen.headers.accept, 'application/json');
      assert.equal(seen.body, '{"a":1}');
    }
  });

  it('--json @FILE, @- and JSON literals are bodies too; -X still picks the method', async () => {
    writeFileSync(join(pki.dir, 'body.json'), '[1,2]');
    const file = JSON.parse((await request([`${base}/`, '--json', '@body.json'])).stdout);
    assert.equal(file.body, '[1,2]');
    const stdin = JSON.parse((await request([`${base}/`, '--json', '@-'], { stdin: '{"from":"stdin"}' })).stdout);
    assert.equal(stdin.body, '{"from":"stdin"}');
    const literal = JSON.parse((await request([`${base}/`, '-X', 'PUT', '--json', '42'])).stdout);
    assert.equal(literal.body, '42');
    assert.equal(literal.method, 'PUT');
  });

  it('--json before an option, the URL, or at the end is the JSON output flag', async () => {
    for (const args of [[`${base}/x`, '--json'], ['--json', `${base}/x`], [`${base}/x`, '--json', '-H', 'X-A: b']]) {
      const result = await request(args);
      assert.equal(result.code, 0, result.stderr);
      const doc = JSON.parse(result.stdout);
      assert.equal(doc.kind, 'request');
      assert.equal(doc.response.status, 201);
      assert.equal(JSON.parse(doc.response.body).method, 'GET');
    }
  });

  it('--json followed by a value that is neither JSON nor @FILE is refused with both spellings', async () => {
    const result = await request([`${base}/`, '--json', 'name=a']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /curl --json/);
    assert.match(result.stderr, /--data-json BODY/);
  });

  it('-s hides the diagnosis but keeps the exit code; -sS shows it; --json still prints the document', async () => {
    const dead = `https://127.0.0.1:${await freePort()}/`;
    const silent = await request([dead, '-s']);
    assert.equal(silent.code, 1);
    assert.equal(silent.stderr, '');
    assert.equal(silent.stdout, '');
    const shown = await request([dead, '-sS']);
    assert.equal(shown.code, 1);
    assert.match(shown.stderr, /MTLS_CONNECTION_REFUSED/);
    const json = await request([dead, '-s', '--json']);
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).diagnosis.code, 'MTLS_CONNECTION_REFUSED');
    assert.equal(json.stderr, '');
    // An input error (exit 2) is hidden by -s too, shown by -sS.
    const missing = await runCli(['request', `${base}/`, '-s', '--cert', 'no-such.crt', '--key', 'no-such.key'], { cwd: pki.dir });
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, '');
    const missingShown = await runCli(['request', `${base}/`, '-sS', '--cert', 'no-such.crt', '--key', 'no-such.key'], { cwd: pki.dir });
    assert.equal(missingShown.code, 2);
    assert.match(missingShown.stderr, /MTLS_FILE_NOT_FOUND/);
    const ok = await request([`${base}/`, '-s']);
    assert.equal(ok.code, 0);
    assert.equal(JSON.parse(ok.stdout).method, 'GET');
  });

  it('-w prints curl variables after the body; -o /dev/null -w is the status alone', async () => {
    const result = await request([`${base}/teapot`, '-s', '-o', '/dev/null', '-w', '%{http_code}|%{response_code}|%{size_download}|%{content_type}|%{remote_ip}|%{remote_port}|%{ssl_verify_result}|%{num_redirects}|%{exitcode}|%{url_effective}|%header{Content-Type}|100%%\\n']);
    assert.equal(result.code, 0, result.stderr);
    const [code, response, size, type, ip, remotePort, verify, redirects, exit, url, header, percent] = result.stdout.replace(/\n$/, '').split('|');
    assert.deepEqual([code, response, type, ip, remotePort, verify, redirects, exit, url, header, percent], ['418', '418', 'application/json', '127.0.0.1', String(port), '0', '0', '0', `${base}/teapot`, 'application/json', '100%']);
    assert.ok(Number(size) > 10);
    assert.ok(result.stdout.endsWith('\n'));
    const times = await request([`${base}/`, '-o', '/dev/null', '-w', '%{time_connect} %{time_appconnect} %{time_starttransfer} %{time_total}']);
    const [connect, app, start, total] = times.stdout.split(' ').map(Number);
    assert.match(times.stdout, /^\d+\.\d{6} \d+\.\d{6} \d+\.\d{6} \d+\.\d{6}$/);
    assert.ok((connect as number) > 0 && (connect as number) <= (app as number) && (app as number) <= (start as number) && (start as number) <= (total as number), times.stdout);
  });

  it('-w @FILE reads the format; a failed request still writes 000 and its exit code; unknown variables are warned about', async () => {
    writeFileSync(join(pki.dir, 'format.txt'), 'code=%{http_code} exit=%{exitcode} %{nonsense}\n');
    const dead = `https://127.0.0.1:${await freePort()}/`;
    const result = await request([dead, '-w', '@format.txt']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout, 'code=000 exit=1 \n');
    assert.match(result.stderr, /unknown variable %\{nonsense\}/);
    const both = await request([`${base}/`, '-w', '%{http_code}', '--json']);
    assert.equal(both.code, 2);
  });

  it('-v shows request (>) and response (<) headers as curl does, with secrets redacted', async () => {
    const result = await request([`${base.replace('https://', 'https://ana:url-secret-77@')}/v`, '-v', '--json', '{"k":1}',
      '-H', 'Authorization: Bearer header-token-secret', '-H', 'X-Api-Key: api-key-secret', '-H', 'Cookie: a=cookie-secret; b=two', '-H', 'X-Auth-Token: token-secret', '-H', 'X-Trace: visible-trace']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^> POST \/v HTTP\/1\.1$/m);
    assert.match(result.stderr, /^> host: localhost:\d+$/m);
    assert.match(result.stderr, /^> Authorization: Bearer \[redacted\]$/m);
    assert.match(result.stderr, /^> X-Api-Key: \[redacted\]$/m);
    assert.match(result.stderr, /^> Cookie: a=\[redacted\]; b=\[redacted\]$/m);
    assert.match(result.stderr, /^> X-Trace: visible-trace$/m);
    assert.match(result.stderr, /^> content-type: application\/json$/m);
    assert.match(result.stderr, /^> content-length: 7$/m);
    assert.match(result.stderr, /^< HTTP\/1\.1 201 Created Here$/m);
    assert.match(result.stderr, /^< set-cookie: session=\[redacted\]; Path=\/; HttpOnly$/m);
    assert.match(result.stderr, /^< x-upstream-token: \[redacted\]$/m);
    assert.match(result.stderr, /^< content-type: application\/json$/m);
    for (const secret of ['url-secret-77', 'header-token-secret', 'api-key-secret', 'cookie-secret', 'token-secret', 'server-cookie-secret', 'response-token-secret']) {
      assert.ok(!result.stderr.includes(secret), secret);
    }
  });

  it('a --cert bundle with the intermediate before the leaf works, and says so with the order used and the fix', async () => {
    const leaf = issue(pki.dir, 'mid-client', 'client under the intermediate', 'intermediate', CLIENT_EXT);
    const bundle = join(pki.dir, 'mid-client-reversed.pem');
    writeFileSync(bundle, readFileSync(pki.intermediate, 'utf8') + readFileSync(leaf.cert, 'utf8'));
    const result = await runCli(['request', `${base}/`, '--cert', 'mid-client-reversed.pem', '--key', leaf.key, '--cacert', pki.rootCa], { cwd: pki.dir });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /note: .*mid-client-reversed\.pem has the leaf certificate in place 2, after its issuer\(s\), an order curl and nginx refuse/);
    assert.match(result.stderr, /1\. "O=mtls tests, CN=client under the intermediate", 2\. "O=mtls tests, CN=mtls test intermediate CA"/);
    const fix = /`(mtls chain build \S*mid-client-reversed\.pem --from \S+ --out \S*mid-client-reversed-ordered\.pem)`/.exec(result.stderr)?.[1];
    assert.ok(fix, result.stderr);
    // The fix runs as printed and writes the leaf first.
    const built = await runCli(fix.split(' ').slice(1), { cwd: pki.dir });
    assert.equal(built.code, 0, built.stderr);
    const written = readFileSync(join(pki.dir, 'mid-client-reversed-ordered.pem'), 'utf8');
    assert.ok(written.startsWith(readFileSync(leaf.cert, 'utf8').trim().split('\n')[0] ?? 'x'));
    assert.ok(written.indexOf(readFileSync(leaf.cert, 'utf8').split('\n')[1] ?? 'x') < written.indexOf(readFileSync(pki.intermediate, 'utf8').split('\n')[1] ?? 'x'));
    // -s hides the note (curl -s hides notes); a bundle in order gets none.
    const silent = await runCli(['request', `${base}/`, '-s', '--cert', 'mid-client-reversed.pem', '--key', leaf.key, '--cacert', pki.rootCa], { cwd: pki.dir });
    assert.equal(silent.stderr, '');
    writeFileSync(join(pki.dir, 'mid-client-ordered.pem'), readFileSync(leaf.cert, 'utf8') + readFileSync(pki.intermediate, 'utf8'));
    const ordered = await runCli(['request', `${base}/`, '--cert', 'mid-client-ordered.pem', '--key', leaf.key, '--cacert', pki.rootCa], { cwd: pki.dir });
    assert.equal(ordered.code, 0, ordered.stderr);
    assert.doesNotMatch(ordered.stderr, /note:/);
  });

  it('-i prints the status line with its reason phrase', async () => {
    const result = await request([`${base}/teapot`, '-i']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^HTTP\/1\.1 418 I'm a teapot\r\n/);
    const created = await request([`${base}/`, '-i']);
    assert.match(created.stdout, /^HTTP\/1\.1 201 Created Here\r\n/);
  });
});

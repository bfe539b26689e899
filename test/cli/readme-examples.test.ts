import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT } from '../helpers/cli.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { waitForPort } from '../helpers/peers.js';

/**
 * The README's shell examples, run as written: every fenced sh/console block, in order, in one
 * temporary folder (the clone's fixtures/ linked in, as if run from a fresh clone), by bash, with
 * `mtls` on PATH as the built bin. The one server the examples talk to (127.0.0.1:8443) is the
 * README's own `mtls serve` example, started on a free port that replaces 8443 everywhere.
 * What cannot run here is skipped with its reason printed; a non-zero exit is accepted only
 * where the README shows a failure on purpose.
 */
interface Example {
  command: string;
  block: number;
}

function readmeExamples(): Example[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const examples: Example[] = [];
  let block = 0;
  for (const match of text.matchAll(/```(sh|console|bash)\n([\s\S]*?)```/g)) {
    block++;
    const [, lang, body] = match as unknown as [string, string, string];
    for (const line of body.split('\n')) {
      if (lang === 'console') {
        if (line.startsWith('$ ')) examples.push({ command: line.slice(2), block });
      } else if (line.trim() !== '' && !line.trim().startsWith('#')) {
        examples.push({ command: line.trim(), block });
      }
    }
  }
  return examples;
}

/** What is not run here, and why (printed with the test's diagnostics). */
const SKIPS: [RegExp, string][] = [
  [/^npm test\b/, 'the whole suite, which runs this test'],
  [/^sudo /, 'changes the system trust stores of the machine running the tests'],
  [/api\.internal|api\.example\.com|llm\.corp|mcp\.corp/, 'not a loopback address: tests only reach 127.0.0.1 (the example shows the form)'],
  [/^mtls serve .*--upstream /, 'a long-running sidecar in front of an app on :3000 (test/net/serve-upstream.test.ts runs it)'],
];

/** Examples that show a failure on purpose, with the exit code that failure has. */
const EXPECTED_EXIT: [RegExp, number, string][] = [
  [/^mtls chain verify .*--crl /, 1, 'alice was revoked just above'],
  [/^mtls chain verify .*--purpose server/, 1, 'a client certificate checked as a server one'],
  [/^mtls match pki\/alice\.crt pki\/localhost\.key/, 1, "another certificate's key"],
  [/^mtls expiry .*expired-client\.pem/, 1, 'an expired certificate among them'],
  [/^mtls request https:\/\/127\.0\.0\.1:\d+\/ --cacert pki\/ca\.crt$/, 1, 'no client certificate sent'],
];

test('README: every shell example runs as written (mtls = the built bin), the network ones against a local mtls serve', async (t) => {
  const dir = tempDir('mtls-readme-');
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'mtls'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'mtls'), 0o755);
  symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
  const state = join(dir, '.state.sh');
  writeFileSync(state, '');
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MTLS_') && k !== 'CI' && !k.startsWith('npm_')) env[k] = v;
  env.PATH = `${bin}:${env.PATH ?? ''}`;
  env.NO_COLOR = '1';

  const examples = readmeExamples();
  assert.ok(examples.length >= 20, `only ${examples.length} examples found`);
  const serveExample = examples.find((e) => /^mtls serve .*--port 8443/.test(e.command));
  assert.ok(serveExample, 'the README has no `mtls serve --port 8443` example to be the peer');
  let peer: ChildProcess | null = null;
  t.after(async () => {
    if (!peer || peer.exitCode !== null || peer.signalCode !== null) return;
    const exited = new Promise((resolve) => peer?.once('exit', resolve));
    peer.kill('SIGTERM');
    // serve finishes requests in flight first; a peer that outlives that must not hold the suite.
    const timer = setTimeout(() => peer?.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  const failures: string[] = [];
  let ran = 0;
  for (const example of examples) {
    const skip = SKIPS.find(([pattern]) => pattern.test(example.command));
    if (skip) {
      t.diagnostic(`skipped: ${example.command}  (${skip[1]})`);
      continue;
    }
    if (example.command.startsWith('npm ci && npm start')) {
      // `npm ci` installs from the registry (this checkout is installed); `npm start` is run,
      // without its prestart build (the suite runs after one), and its hand-made lines below.
      t.diagnostic('npm ci: skipped (this checkout is installed); npm start: run with --ignore-scripts (built already)');
      const start = spawnSync('npm', ['start', '--ignore-scripts', '--silent'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
      if (start.status !== 0 || !/All 4 steps behaved as expected/.test(start.stdout)) failures.push(`npm start: exit ${start.status}\n${start.stdout.slice(-500)}${start.stderr}`);
      else await checkDemoByHand(start.stdout, env, failures);
      ran++;
      continue;
    }
    const command = example.command.replace(/127\.0\.0\.1:8443/g, `127.0.0.1:${port}`).replace(/--port 8443/, `--port ${port}`);
    if (example === serveExample) {
      // Long-running: started in the background as the peer, exactly as written (port aside),
      // unless an earlier example already started it (a second one would leak the first).
      if (peer) {
        ran++;
        continue;
      }
      peer = spawn('bash', ['-c', `exec ${command}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      peer.stdout?.resume();
      peer.stderr?.resume();
      await waitForPort(port, 20_000);
      ran++;
      continue;
    }
    if (command.includes(`127.0.0.1:${port}`) && !peer) {
      // An example before the serve one talks to it: start it now, as the README shows it.
      const serve = serveExample.command.replace(/--port 8443/, `--port ${port}`);
      peer = spawn('bash', ['-c', `exec ${serve}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      peer.stdout?.resume();
      peer.stderr?.resume();
      await waitForPort(port, 20_000);
    }
    const expected = EXPECTED_EXIT.find(([pattern]) => pattern.test(command));
    // One bash per example, as one shell session: variables (set -a exports them) carry over through the state file.
    const script = `set -a; . ${state}\n${command}\nrc=$?\nexport -p > ${state}\nexit $rc`;
    const result = spawnSync('bash', ['-c', script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
    ran++;
    const want = expected?.[1] ?? 0;
    if (result.status !== want) failures.push(`block ${example.block}: \`${example.command}\` exited ${result.status}, expected ${want}${expected ? ` (${expected[2]})` : ''}:\n${(result.stderr || result.stdout).slice(0, 800)}`);
  }
  t.diagnostic(`${ran} examples run, ${examples.length - ran} skipped`);
  assert.deepEqual(failures, []);
});

/**
 * The demo's "Do it by hand" lines, as printed after `npm start` in the clone's root: run in a
 * folder that has the clone's bin/ (so `node bin/mtls.js` is the same program), on a free port.
 */
async function checkDemoByHand(stdout: string, env: Record<string, string>, failures: string[]): Promise<void> {
  const lines = (stdout.split('Do it by hand:\n')[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('node bin/mtls.js ') || l.startsWith('mtls '));
  if (lines.length !== 5) {
    failures.push(`demo: expected 5 hand-made commands, got:\n${lines.join('\n')}`);
    return;
  }
  if (!lines.every((l) => l.startsWith('node bin/mtls.js '))) failures.push(`demo: mtls is not on PATH after npm start, yet the lines say: ${lines[0]}`);
  if (!/npm link/.test(stdout)) failures.push('demo: does not say how to put mtls on PATH');
  const dir = tempDir('mtls-demo-hand-');
  mkdirSync(join(dir, 'bin'));
  symlinkSync(BIN, join(dir, 'bin/mtls.js'));
  const port = await freePort();
  const script = lines.map((l) => l.replace(/\s+#.*$/, '').replace(/8443/g, String(port))).map((l) => (l.endsWith('&') ? `${l}\nserve=$!\nfor i in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/${port}) 2>/dev/null && break; sleep 0.1; done` : `${l} || { kill $serve 2>/dev/null; exit 1; }`));
  const result = spawnSync('bash', ['-c', `${script.join('\n')}\nkill $serve`], { cwd: dir, env, encoding: 'utf8', timeout: 90_000 });
  if (result.status !== 0 || !/HTTP 200|"subject"/.test(result.stdout + result.stderr)) failures.push(`demo by hand: exit ${result.status}\n${result.stdout.slice(-400)}${result.stderr.slice(-800)}`);
}

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/cli/run.js';
import type { Io } from '../../src/cli/io.js';
import { colorEnabled } from '../../src/render/color.js';
import { spinnersAllowed } from '../../src/render/spinner.js';
import { ROOT } from '../helpers/cli.js';

test('an unexpected error ends in exit 3 with a "please report" line and no stack trace', async () => {
  let stderr = '';
  const io: Io = {
    stdout: {
      write: () => {
        throw new TypeError('stdout exploded');
      },
    },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: async () => Buffer.alloc(0),
    env: {},
    cwd: ROOT,
  };
  const code = await run(['inspect', 'fixtures/credentials/client.pem'], io);
  assert.equal(code, 3);
  assert.match(stderr, /internal error: stdout exploded/);
  assert.match(stderr, /Please report it/);
  assert.match(stderr, /MTLS_DEBUG=1/);
  assert.doesNotMatch(stderr, /\n\s+at /);
});

test('one colour decision: --no-color, then NO_COLOR, then FORCE_COLOR, then TTY', () => {
  const cases: [Parameters<typeof colorEnabled>[0], boolean][] = [
    [{ flag: undefined, env: {}, isTTY: true }, true],
    [{ flag: undefined, env: {}, isTTY: false }, false],
    [{ flag: false, env: { FORCE_COLOR: '1' }, isTTY: true }, false],
    [{ flag: undefined, env: { NO_COLOR: '1' }, isTTY: true }, false],
    [{ flag: undefined, env: { NO_COLOR: '' }, isTTY: true }, true],
    [{ flag: undefined, env: { NO_COLOR: '1', FORCE_COLOR: '1' }, isTTY: true }, false],
    [{ flag: undefined, env: { FORCE_COLOR: '1' }, isTTY: false }, true],
    [{ flag: undefined, env: { FORCE_COLOR: '0' }, isTTY: true }, false],
    [{ flag: undefined, env: { TERM: 'dumb' }, isTTY: true }, false],
  ];
  for (const [inputs, expected] of cases) assert.equal(colorEnabled(inputs), expected, JSON.stringify(inputs));
});

test('spinners only on an interactive stderr, never with --json or in CI', () => {
  const tty = { stderrIsTTY: true, columns: 80 };
  assert.equal(spinnersAllowed({ ...tty, json: false, env: {} }), true);
  assert.equal(spinnersAllowed({ ...tty, stderrIsTTY: false, json: false, env: {} }), false);
  assert.equal(spinnersAllowed({ ...tty, json: true, env: {} }), false);
  assert.equal(spinnersAllowed({ ...tty, json: false, env: { CI: 'true' } }), false);
  assert.equal(spinnersAllowed({ ...tty, json: false, env: { CI: 'false' } }), true);
  // A terminal that reports no width sends ora into an endless clear loop: no spinner there.
  assert.equal(spinnersAllowed({ ...tty, columns: 0, json: false, env: {} }), false);
  assert.equal(spinnersAllowed({ ...tty, columns: undefined, json: false, env: {} }), false);
});

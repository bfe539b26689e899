#!/usr/bin/env node
// `npm start`: the main job. Until `mtls demo` lands it shows what mtls reads: a shipped
// fixture bundle, then a chain made on the spot in a throwaway folder (root → intermediate →
// client), inspected and checked against openssl's view of the same file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/mtls.js', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

function mtls(...args) {
  console.error(`\n$ mtls ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error(`mtls ${args[0]} exited ${result.status}`);
    process.exit(result.status ?? 1);
  }
}

mtls('inspect', 'fixtures/credentials/client-chain-in-order.pem');
const dir = mkdtempSync(join(tmpdir(), 'mtls-start-'));
try {
  mtls('ca', 'init', '--dir', dir);
  mtls('ca', 'intermediate', '--dir', dir);
  mtls('issue', 'client', 'demo-client', '--dir', dir);
  mtls('inspect', join(dir, 'demo-client.crt'), join(dir, 'demo-client.key'));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.mjs); the library is dist/index.js.
// A lone `--version` is answered here: loading the bundle would cost more than Node's start-up.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  await import('../dist/bundle/main.js');
}

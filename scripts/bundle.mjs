#!/usr/bin/env node
// Bundles the CLI into dist/bundle (run by `npm run build`, after tsc). Start-up is a feature:
// resolving a few hundred small modules (the CommonJS @peculiar/asn1 packages above all) costs
// more than running them. Code splitting keeps every lazily imported command in its own chunk,
// so `mtls --help` still loads none of x509, undici or ora; dist/bundle/meta.json records which
// source modules each chunk holds, and test/cli/startup.test.ts reads it to prove that.
import { build } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';

// Chunk names carry content hashes: without a clean start, every build leaves the old ones behind.
rmSync('dist/bundle', { recursive: true, force: true });

const result = await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outdir: 'dist/bundle',
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // Bundled CommonJS packages call require() for Node built-ins; ESM output has none by default.
  banner: { js: "import { createRequire as __mtlsCreateRequire } from 'node:module'; const require = __mtlsCreateRequire(import.meta.url);" },
});
writeFileSync('dist/bundle/meta.json', JSON.stringify(result.metafile));

#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.mjs); the library is dist/index.js.
import '../dist/bundle/main.js';

#!/usr/bin/env node
/**
 * `mtls expiry` over many files (R4, R6 of `npm run bench`):
 *   R4  mtls expiry DIR (2,000 certificates) / node -e 0, and against a shell loop of
 *       `openssl x509 -enddate -noout` over the same files (run once: it takes a minute)
 *   R6  peak RSS of mtls expiry DIR on 20,000 certificates
 * Standalone: node scripts/bench-expiry.mjs [runs=7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeCertificates } from './bench-certs.mjs';
import { BIN, NODE, cleanUp, ensureBuild, run, tempDir, timeTogether } from './bench-lib.mjs';

// Exit 1 is a verdict (certificates past --fail), not a failure of the run.
const expiry = (dir) => run(NODE, [BIN, 'expiry', dir, '--json'], { okCodes: [0, 1] });

export function benchExpiry(runs) {
  const small = writeCertificates(tempDir(), 2000);
  const [node, mtls] = timeTogether([() => run(NODE, ['-e', '0']), () => expiry(small)], runs);
  const loopStart = process.hrtime.bigint();
  run('sh', ['-c', `for f in "${small}"/*.pem; do openssl x509 -enddate -noout -in "$f"; done`]);
  const loop = Number(process.hrtime.bigint() - loopStart) / 1e6;

  const large = writeCertificates(tempDir(), 20_000);
  const rssFile = join(tempDir(), 'maxrss');
  // getrusage's peak for the process itself, written as it exits.
  const hook = `data:text/javascript,import{writeFileSync}from"node:fs";process.on("exit",()=>writeFileSync(${JSON.stringify(rssFile)},String(process.resourceUsage().maxRSS)))`;
  run(NODE, ['--import', hook, BIN, 'expiry', large, '--json'], { okCodes: [0, 1] });
  const peakMb = Number(readFileSync(rssFile, 'utf8')) / 1024;

  return [
    { id: 'R4', what: 'mtls expiry, 2,000 certificates', ms: mtls, reference: 'node -e 0', referenceMs: node, ratio: mtls / node, target: '<= 4', pass: mtls / node <= 4 },
    { id: 'R4b', what: 'openssl x509 -enddate loop / mtls expiry', ms: loop, reference: 'mtls expiry', referenceMs: mtls, ratio: loop / mtls, target: '>= 50', pass: loop / mtls >= 50, note: 'loop run once' },
    { id: 'R6', what: 'peak RSS, mtls expiry on 20,000 certificates', value: `${peakMb.toFixed(0)} MB`, ratio: null, target: '<= 200 MB', pass: peakMb <= 200 },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    ensureBuild();
    for (const row of benchExpiry(Number(process.argv[2] ?? 7))) console.log(row);
  } finally {
    cleanUp();
  }
}

#!/usr/bin/env node
/**
 * Benchmark for `mtls expiry DIR`: generates N certificates (EC P-256, via @peculiar/x509) into a
 * temporary folder, then times `mtls expiry DIR --json`, a shell loop of
 * `openssl x509 -enddate -noout` over the same files, and Node's bare start-up, and prints the
 * ratios. Usage: node scripts/bench-expiry.mjs [N=2000]   (build first: npx tsc -p tsconfig.json)
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);
const count = Number(process.argv[2] ?? 2000);
const bin = fileURLToPath(new URL('../bin/mtls.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mtls-bench-expiry-'));
const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

try {
  const keys = await webcrypto.subtle.generateKey(alg, false, ['sign', 'verify']);
  const now = Date.now();
  for (let i = 0; i < count; i += 1) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: (i + 1).toString(16).padStart(6, '0'),
      name: `CN=bench-${i}`,
      notBefore: new Date(now - 86_400_000),
      notAfter: new Date(now + ((i % 800) + 1) * 86_400_000),
      signingAlgorithm: alg,
      keys,
    });
    writeFileSync(join(dir, `cert-${i}.pem`), cert.toString('pem'));
  }

  const time = (label, command, args, options = {}) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28, ...options });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.error) throw result.error;
    console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(7)} ms`);
    return ms;
  };
  console.log(`${count} certificates in ${dir}`);
  const node = time('node -e 0 (Node start-up)', process.execPath, ['-e', '0']);
  const mtls = time('mtls expiry DIR --json', process.execPath, [bin, 'expiry', dir, '--json']);
  const loop = time('for f in DIR/*.pem; openssl x509 -enddate -noout', 'sh', ['-c', `for f in "${dir}"/*.pem; do openssl x509 -enddate -noout -in "$f"; done`]);
  console.log(`mtls / node start-up: ${(mtls / node).toFixed(2)}x   openssl loop / mtls: ${(loop / mtls).toFixed(1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

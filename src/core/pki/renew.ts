import type { KeyObject } from 'node:crypto';
import { MAX_INPUT_BYTES, readFileBounded } from '../fs/read.js';
import { basename, dirname, extname, join } from 'node:path';
import { MtlsError } from '../errors.js';
import { exists, isTaken } from '../fs/write.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { loadCredential } from '../load/index.js';
import type { Secret } from '../load/types.js';
import { buildCertificate, subjectOf, type SigningAuthority } from './certificate.js';
import { keyTypeOf, keyWarnings, privateKeyPem, type KeyType } from './keys.js';
import { certificateFile, type LeafProfile } from './leaf.js';
import { writeOutputs, type PlannedFile } from './output.js';
import { describeIssued, type PkiResult } from './result.js';
import type { SanEntry } from './san.js';
import { openCaFolder, pointAtCa, type CaFolder, type CaRetry } from './store.js';
import { resolveValidity } from './validity.js';

export interface RenewRequest {
  /** Path of NAME.crt; its key is NAME.key next to it. */
  cert: string;
  dir: string;
  reuseKey: boolean;
  /** Makes the new key (the command shows a spinner for slow ones). */
  makeKey: (type: KeyType) => Promise<KeyObject>;
  passphrase?: Secret;
  now: Date;
  /** The renew command again with another --dir, for fixes; `issued` and `create` are set here. */
  retry?: Omit<CaRetry, 'issued' | 'create'>;
}

const DAY_MS = 86_400_000;

/**
 * Reissues a leaf from the CA that issued it: same subject, SANs, profile and lifetime, a new
 * serial, and a new key unless --reuse-key. The old files are kept, renamed after their expiry
 * date (NAME.2026-05-01.crt / .key), before the new ones take their names: nothing is lost.
 */
export async function renewCertificate(request: RenewRequest): Promise<PkiResult> {
  const source = await loadCredential(request.cert, { role: 'certificate to renew' });
  const old = source.certificates[0];
  if (!old) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} holds no certificate.`);
  const profile = profileOf(old, request.cert);
  // Fixes point at the CA that issued it, found nearby; never at a new CA (nothing would trust it).
  const retry: CaRetry | undefined = request.retry ? { ...request.retry, issued: old.der, create: false } : undefined;
  const folder = await openCaFolder(request.dir, { ...(request.passphrase ? { passphrase: request.passphrase } : {}), ...(retry ? { retry } : {}) });
  const issuer = issuingAuthority(old, folder, request.cert, retry);
  const keyPath = siblingKeyPath(request.cert);

  let key: KeyObject;
  if (request.reuseKey) {
    const keySource = await loadCredential(keyPath, { role: 'private key', ...(request.passphrase ? { passphrase: request.passphrase } : {}) });
    const loaded = keySource.keys[0];
    if (!loaded || loaded.facts.spkiSha256 !== old.facts.publicKey.spkiSha256) {
      throw new MtlsError('MTLS_KEY_CERT_MISMATCH', `${keyPath} is not the key of ${request.cert}, so it cannot be reused.`, { fixes: ['Renew with a new key: leave out --reuse-key.'] });
    }
    key = loaded.key;
  } else {
    const type = keyTypeOf(old.x509.publicKey);
    if (!type) throw new MtlsError('MTLS_RENEW_UNKNOWN', `${request.cert} has a ${old.facts.publicKey.algorithm} key, which mtls does not generate; renew with --reuse-key.`);
    key = await request.makeKey(type);
  }

  const lifetimeDays = Math.max(1, Math.round((Date.parse(old.facts.notAfter) - Date.parse(old.facts.notBefore)) / DAY_MS));
  const validity = resolveValidity({ days: lifetimeDays }, lifetimeDays, request.now, new Date(issuer.certificate.facts.notAfter));
  const certificate = await buildCertificate({
    profile,
    subject: subjectOf(old.der, 'certificate'),
    subjectKey: key,
    // Array.from: the parsed list is an asn1 array subclass, which @peculiar/x509 would take for encoded names.
    sans: Array.from(old.facts.subjectAltNames).filter((n): n is SanEntry => ['DNS', 'IP', 'URI', 'email'].includes(n.type)),
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    issuer,
  });

  const archiveStem = await freeArchiveStem(request.cert, old.facts.notAfter.slice(0, 10), request.reuseKey ? [] : [keyPath]);
  const archived: PlannedFile[] = [{ path: `${archiveStem}.crt`, kind: 'previous certificate', data: await readFileBounded(request.cert, { limit: MAX_INPUT_BYTES }) }];
  if (!request.reuseKey && (await exists(keyPath))) archived.push({ path: `${archiveStem}.key`, kind: 'previous private key', data: await readFileBounded(keyPath, { limit: MAX_INPUT_BYTES }) });
  // The old pair is copied aside (never overwriting anything) before the new pair takes its names.
  const files = await writeOutputs(archived, false);
  const fresh: PlannedFile[] = [{ path: request.cert, kind: 'certificate', data: certificateFile(certificate, issuer === folder.root ? [] : folder.chain) }];
  if (!request.reuseKey) fresh.unshift({ path: keyPath, kind: 'private key', data: privateKeyPem(key) });
  files.push(...(await writeOutputs(fresh, true)));

  const warnings = [...keyWarnings(key, profile), ...validity.warnings];
  const p12 = join(dirname(request.cert), `${stem(request.cert)}.p12`);
  if (await exists(p12)) warnings.push(`${p12} still holds the old certificate; export it again: \`mtls p12 export --cert ${request.cert} --key ${keyPath} --out ${p12} --pass env:P12_PASS --force\` (after \`export P12_PASS=…\`).`);
  return { files, certificate: describeIssued(certificate, profile), warnings };
}

function profileOf(certificate: ParsedCertificate, path: string): LeafProfile {
  const usages = certificate.facts.extendedKeyUsage ?? [];
  if (!certificate.facts.isCa && usages.some((u) => /serverAuth/i.test(u))) return 'server';
  if (!certificate.facts.isCa && usages.some((u) => /clientAuth/i.test(u))) return 'client';
  throw new MtlsError('MTLS_RENEW_UNKNOWN', `${path} is neither a server nor a client certificate (extendedKeyUsage: ${usages.join(', ') || 'none'}${certificate.facts.isCa ? ', CA:TRUE' : ''}).`);
}

/** The CA in the folder that signed this certificate (the root or the intermediate), by name and signature. */
function issuingAuthority(certificate: ParsedCertificate, folder: CaFolder, path: string, retry: CaRetry | undefined): SigningAuthority {
  for (const authority of [folder.intermediate, folder.root]) {
    if (authority && certificate.x509.checkIssued(authority.certificate.x509) && certificate.x509.verify(authority.certificate.x509.publicKey)) return authority;
  }
  throw new MtlsError('MTLS_RENEW_UNKNOWN', `${path} was issued by "${certificate.facts.issuer}", which is not the CA in ${folder.dir}.`, {
    details: { issuer: certificate.facts.issuer, dir: folder.dir },
    ...(retry ? { fixes: pointAtCa(retry, folder.dir), catalogFixes: false } : {}),
  });
}

function stem(path: string): string {
  return basename(path, extname(path));
}

function siblingKeyPath(certPath: string): string {
  return join(dirname(certPath), `${stem(certPath)}.key`);
}

/** NAME.<date>, or NAME.<date>-2, … when a renewal the same day already used it. */
async function freeArchiveStem(certPath: string, date: string, alsoKeys: string[]): Promise<string> {
  const base = join(dirname(certPath), `${stem(certPath)}.${date}`);
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!(await isTaken(`${candidate}.crt`)) && (alsoKeys.length === 0 || !(await isTaken(`${candidate}.key`)))) return candidate;
  }
}

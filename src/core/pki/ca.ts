import type { KeyObject } from 'node:crypto';
import { MtlsError } from '../errors.js';
import { exists, isTaken } from '../fs/write.js';
import { toPem } from '../load/pem.js';
import type { Secret } from '../load/types.js';
import { buildCertificate, subjectName, type SubjectFields } from './certificate.js';
import { keyWarnings, privateKeyPem } from './keys.js';
import { writeOutputs } from './output.js';
import { DEFAULT_DAYS } from './profiles.js';
import { describeIssued, type PkiResult } from './result.js';
import { caPaths, openCaFolder, type CaRetry } from './store.js';
import { resolveValidity, type ValidityRequest } from './validity.js';

export interface CaRequest {
  dir: string;
  key: KeyObject;
  subject: SubjectFields;
  validity: ValidityRequest;
  /** Encrypts the new CA key (PKCS#8, AES-256-CBC). */
  encryptWith?: Secret;
  force: boolean;
  now: Date;
}

/**
 * Refuses before any work (a slow RSA key, a prompt) when the CA files already exist: replacing
 * a CA silently orphans every certificate it issued.
 */
export async function assertCaAbsent(dir: string, which: 'root' | 'intermediate', force: boolean): Promise<void> {
  if (force) return;
  const paths = caPaths(dir);
  const files = which === 'root' ? [paths.rootCert, paths.rootKey] : [paths.intermediateCert, paths.intermediateKey];
  const found: string[] = [];
  for (const file of files) if (await isTaken(file)) found.push(file);
  if (found.length > 0) {
    const what = which === 'root' ? 'A CA' : 'An intermediate CA';
    throw new MtlsError('MTLS_CA_EXISTS', `${what} already exists in ${dir} (${found.join(', ')}); it was left untouched.`, {
      details: { dir, files: found },
      fixes: [`Issue from it: \`mtls issue server localhost --dir ${dir}\`.`],
    });
  }
}

export async function initCa(request: CaRequest): Promise<PkiResult> {
  await assertCaAbsent(request.dir, 'root', request.force);
  const validity = resolveValidity(request.validity, DEFAULT_DAYS.root, request.now);
  const certificate = await buildCertificate({
    profile: 'root',
    subject: subjectName(request.subject),
    subjectKey: request.key,
    sans: [],
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
  });
  const paths = caPaths(request.dir);
  const files = await writeOutputs(
    [
      { path: paths.rootKey, kind: 'private key', data: privateKeyPem(request.key, request.encryptWith?.value) },
      { path: paths.rootCert, kind: 'certificate', data: toPem('CERTIFICATE', certificate.der) },
    ],
    request.force,
  );
  const warnings = [...keyWarnings(request.key, 'root'), ...validity.warnings];
  if (request.force && (await exists(paths.intermediateCert))) {
    warnings.push(`${paths.intermediateCert} was signed by the replaced CA and no longer chains to it; make a new one: \`mtls ca intermediate --dir ${request.dir} --force\`.`);
  }
  return { files, certificate: describeIssued(certificate, 'root'), warnings };
}

/** An intermediate signed by the root in DIR; from then on issuance in DIR signs with it. */
export async function createIntermediate(request: CaRequest & { passphrase?: Secret; retry?: CaRetry }): Promise<PkiResult> {
  await assertCaAbsent(request.dir, 'intermediate', request.force);
  const folder = await openCaFolder(request.dir, { ...(request.passphrase ? { passphrase: request.passphrase } : {}), ...(request.retry ? { retry: request.retry } : {}), rootOnly: true });
  const validity = resolveValidity(request.validity, DEFAULT_DAYS.intermediate, request.now, new Date(folder.root.certificate.facts.notAfter));
  const certificate = await buildCertificate({
    profile: 'intermediate',
    subject: subjectName(request.subject),
    subjectKey: request.key,
    sans: [],
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    issuer: folder.root,
  });
  const paths = caPaths(request.dir);
  const files = await writeOutputs(
    [
      { path: paths.intermediateKey, kind: 'private key', data: privateKeyPem(request.key, request.encryptWith?.value) },
      { path: paths.intermediateCert, kind: 'certificate', data: toPem('CERTIFICATE', certificate.der) },
    ],
    request.force,
  );
  return { files, certificate: describeIssued(certificate, 'intermediate'), warnings: [...keyWarnings(request.key, 'intermediate'), ...validity.warnings] };
}

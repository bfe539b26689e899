import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { MtlsError } from '../errors.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { toPem } from '../load/pem.js';
import type { Secret } from '../load/types.js';
import { writePkcs12 } from '../pkcs12/index.js';
import { buildCertificate, subjectName, type SubjectFields } from './certificate.js';
import { keyWarnings, privateKeyPem } from './keys.js';
import { writeOutputs, type PlannedFile } from './output.js';
import { DEFAULT_DAYS } from './profiles.js';
import { describeIssued, type PkiResult } from './result.js';
import { parseSan, uniqueSans, type SanEntry } from './san.js';
import { openCaFolder, type CaRetry } from './store.js';
import { resolveValidity, type ValidityRequest } from './validity.js';

export type LeafProfile = 'server' | 'client';

export interface Pkcs12Request {
  password: string;
  legacy: boolean;
}

export interface LeafRequest {
  dir: string;
  name: string;
  profile: LeafProfile;
  key: KeyObject;
  /** Parsed --san values; a server certificate also gets NAME. */
  sans: SanEntry[];
  organization?: string;
  organizationalUnit?: string;
  validity: ValidityRequest;
  /** Unlocks an encrypted CA key. */
  passphrase?: Secret;
  /** What to suggest when DIR holds no CA. */
  retry?: CaRetry;
  /** The fix when a file exists (writeOutputs). */
  existsFix?: string;
  p12?: Pkcs12Request;
  force: boolean;
  now: Date;
}

/** NAME becomes DIR/NAME.crt: a plain file name, no folders, not hidden. */
export function checkName(name: string): void {
  if (!/^[A-Za-z0-9_@*][A-Za-z0-9._@*-]{0,199}$/.test(name) || name.includes('/')) {
    throw new MtlsError('MTLS_NAME_INVALID', `"${name}" cannot be used as NAME: it names the files NAME.crt and NAME.key.`, { details: { name } });
  }
}

/**
 * The names of a leaf. A server certificate always carries SANs — clients match the host against
 * them and ignore the CN — starting with NAME. A client certificate carries CN=NAME (servers map
 * identities from it) and SANs only when asked for.
 */
export function leafSans(profile: LeafProfile, name: string, sans: SanEntry[]): SanEntry[] {
  return uniqueSans(profile === 'server' ? [parseSan(name, 'NAME'), ...sans] : sans);
}

export async function issueLeaf(request: LeafRequest): Promise<PkiResult> {
  checkName(request.name);
  const folder = await openCaFolder(request.dir, { ...(request.passphrase ? { passphrase: request.passphrase } : {}), ...(request.retry ? { retry: request.retry } : {}) });
  const validity = resolveValidity(request.validity, DEFAULT_DAYS[request.profile], request.now, new Date(folder.issuer.certificate.facts.notAfter));
  const certificate = await buildCertificate({
    profile: request.profile,
    subject: subjectName({ commonName: request.name, ...optionalSubject(request) }),
    subjectKey: request.key,
    sans: leafSans(request.profile, request.name, request.sans),
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    issuer: folder.issuer,
  });
  const planned: PlannedFile[] = [
    { path: join(request.dir, `${request.name}.key`), kind: 'private key', data: privateKeyPem(request.key) },
    { path: join(request.dir, `${request.name}.crt`), kind: 'certificate', data: certificateFile(certificate, folder.chain) },
  ];
  if (request.p12) {
    planned.push({ path: join(request.dir, `${request.name}.p12`), kind: 'PKCS#12', data: pkcs12Of(certificate, folder.chain, request.key, request.p12, request.name) });
  }
  const files = await writeOutputs(planned, request.force, request.existsFix ? { existsFix: request.existsFix } : {});
  return { files, certificate: describeIssued(certificate, request.profile), warnings: [...keyWarnings(request.key, request.profile), ...validity.warnings] };
}

/** The leaf, then the intermediates: what a peer must be sent (never the root, which the peer holds). */
export function certificateFile(leaf: ParsedCertificate, chain: ParsedCertificate[]): string {
  return [leaf, ...chain].map((c) => toPem('CERTIFICATE', c.der)).join('');
}

export function pkcs12Of(leaf: ParsedCertificate, chain: ParsedCertificate[], key: KeyObject, p12: Pkcs12Request, friendlyName: string): Buffer {
  return writePkcs12({
    certificates: [leaf, ...chain].map((c) => c.der),
    key: key.export({ type: 'pkcs8', format: 'der' }),
    password: p12.password,
    legacy: p12.legacy,
    friendlyName,
  });
}

function optionalSubject(request: { organization?: string; organizationalUnit?: string }): Omit<SubjectFields, 'commonName'> {
  return {
    ...(request.organization ? { organization: request.organization } : {}),
    ...(request.organizationalUnit ? { organizationalUnit: request.organizationalUnit } : {}),
  };
}

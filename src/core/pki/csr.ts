import { createPublicKey, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { MtlsError } from '../errors.js';
import { loadCredential } from '../load/index.js';
import { toPem } from '../load/pem.js';
import type { Secret } from '../load/types.js';
import { x509 } from './x509.js';
import { buildCertificate, subjectName, subjectOf, type SubjectFields } from './certificate.js';
import { keyTypeOf, privateKeyPem, toWebSigningKey } from './keys.js';
import { certificateFile, checkName, type LeafProfile } from './leaf.js';
import { writeOutputs } from './output.js';
import { DEFAULT_DAYS, generalName } from './profiles.js';
import { describeIssued, type PkiResult } from './result.js';
import { parseSan, sanLabel, uniqueSans, type SanEntry } from './san.js';
import { openCaFolder, type CaRetry } from './store.js';
import { resolveValidity, type ValidityRequest } from './validity.js';

export interface CsrRequest {
  dir: string;
  name: string;
  key: KeyObject;
  sans: SanEntry[];
  subject: Omit<SubjectFields, 'commonName'>;
  force: boolean;
  /** Encrypts NAME.key (PKCS#8, AES-256-CBC) with this passphrase. */
  encryptWith?: Secret;
  /** The fix when a file exists (writeOutputs). */
  existsFix?: string;
}

/** DIR/NAME.key and DIR/NAME.csr (CN=NAME, the SANs as an extension request) for an enterprise CA. */
export async function createCsr(request: CsrRequest): Promise<PkiResult> {
  checkName(request.name);
  const web = await toWebSigningKey(request.key);
  const sans = uniqueSans(request.sans);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectName({ commonName: request.name, ...request.subject }),
    keys: { privateKey: web.privateKey, publicKey: web.publicKey },
    signingAlgorithm: web.signingAlgorithm,
    extensions: sans.length > 0 ? [new x509.SubjectAlternativeNameExtension(Array.from(sans, generalName))] : [],
  });
  const files = await writeOutputs(
    [
      { path: join(request.dir, `${request.name}.key`), kind: 'private key', data: privateKeyPem(request.key, request.encryptWith?.value) },
      { path: join(request.dir, `${request.name}.csr`), kind: 'certificate request', data: toPem('CERTIFICATE REQUEST', Buffer.from(csr.rawData)) },
    ],
    request.force,
    request.existsFix ? { existsFix: request.existsFix } : {},
  );
  const warnings = keyTypeOf(request.key) === 'ed25519' ? ['few CAs sign Ed25519 keys and few TLS peers accept them; use ec-p256 unless you know they do.'] : [];
  return { files, certificate: null, warnings };
}

export interface SignRequest {
  /** Path (or any loader input) of the CSR. */
  csr: string;
  profile: LeafProfile;
  dir: string;
  out: string;
  /** Names added to the requested ones (--san). */
  extraSans: SanEntry[];
  validity: ValidityRequest;
  passphrase?: Secret;
  force: boolean;
  now: Date;
  cwd?: string;
  /** What to suggest when DIR holds no CA. */
  retry?: CaRetry;
  /** The fix when the output exists (writeOutputs). */
  existsFix?: string;
}

/** Which requested SAN types a profile takes: an email address identifies a person, never a server. */
const ALLOWED_SANS: Record<LeafProfile, SanEntry['type'][]> = { server: ['DNS', 'IP', 'URI'], client: ['DNS', 'IP', 'URI', 'email'] };

/**
 * Signs a CSR with the CA in DIR. The request proves possession of its key (its signature is
 * checked first); from the rest only the subject and the SANs the profile allows are taken.
 * Requested extensions — basicConstraints CA:TRUE above all, key usages, EKUs — are ignored:
 * the CA decides what the certificate may do, never the requester.
 */
export async function signCsr(request: SignRequest): Promise<PkiResult> {
  const source = await loadCredential(request.csr, { role: 'certificate request', ...(request.cwd ? { cwd: request.cwd } : {}) });
  const parsed = source.csrs[0];
  if (!parsed) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} holds no certificate request.`);
  if (!parsed.signatureValid) {
    throw new MtlsError('MTLS_CSR_SIGNATURE_INVALID', `${source.origin}: the request's signature (${parsed.signatureAlgorithm}) does not verify with the key it carries.`);
  }
  const warnings: string[] = [];
  const requested = new x509.Pkcs10CertificateRequest(parsed.der);
  const ignored = requested.extensions.filter((e) => e.type !== SUBJECT_ALT_NAME).map(extensionLabel);
  if (ignored.length > 0) warnings.push(`the request asked for ${ignored.join(', ')}; ignored: the ${request.profile} profile decides these.`);

  const allowed = ALLOWED_SANS[request.profile];
  const requestedSans = parsed.subjectAltNames.map((n) => ({ type: n.type as SanEntry['type'], value: n.value }));
  const dropped = requestedSans.filter((n) => !allowed.includes(n.type));
  if (dropped.length > 0) warnings.push(`left out ${dropped.map(sanLabel).join(', ')}: a ${request.profile} certificate does not carry ${[...new Set(dropped.map((d) => d.type))].join('/')} names.`);
  let sans = uniqueSans([...requestedSans.filter((n) => allowed.includes(n.type)), ...request.extraSans]);
  if (request.profile === 'server' && sans.length === 0) {
    const commonName = /(?:^|, )CN=([^,]+)/.exec(parsed.subject)?.[1];
    if (!commonName) throw new MtlsError('MTLS_CSR_NO_NAME', `${source.origin} names no host (no SANs, no CN), and a server certificate needs one.`);
    sans = [parseSan(commonName, 'the CSR common name')];
  }

  const folder = await openCaFolder(request.dir, { ...(request.passphrase ? { passphrase: request.passphrase } : {}), ...(request.retry ? { retry: request.retry } : {}) });
  const validity = resolveValidity(request.validity, DEFAULT_DAYS[request.profile], request.now, new Date(folder.issuer.certificate.facts.notAfter));
  const subjectKey = createPublicKey({ key: Buffer.from(requested.publicKey.rawData), format: 'der', type: 'spki' });
  const certificate = await buildCertificate({
    profile: request.profile,
    subject: subjectOf(parsed.der, 'csr'),
    subjectKey,
    sans,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    issuer: folder.issuer,
  });
  const files = await writeOutputs([{ path: request.out, kind: 'certificate', data: certificateFile(certificate, folder.chain) }], request.force, request.existsFix ? { existsFix: request.existsFix } : {});
  return { files, certificate: describeIssued(certificate, request.profile), warnings: [...warnings, ...validity.warnings] };
}

const SUBJECT_ALT_NAME = '2.5.29.17';

const EXTENSION_NAMES: Record<string, string> = {
  '2.5.29.19': 'basicConstraints',
  '2.5.29.15': 'keyUsage',
  '2.5.29.37': 'extendedKeyUsage',
  '2.5.29.30': 'nameConstraints',
};

function extensionLabel(extension: x509.Extension): string {
  const name = EXTENSION_NAMES[extension.type] ?? extension.type;
  if (extension instanceof x509.BasicConstraintsExtension && extension.ca) return `${name} (CA:TRUE)`;
  return name;
}

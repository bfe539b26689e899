import { join } from 'node:path';
import { MtlsError } from '../errors.js';
import { exists } from '../fs/write.js';
import { loadCredential } from '../load/index.js';
import type { LoadedKey, Secret } from '../load/types.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import type { SigningAuthority } from './certificate.js';

/** The files of a CA folder, named as DESIGN.md fixes them. */
export function caPaths(dir: string) {
  return {
    rootCert: join(dir, 'ca.crt'),
    rootKey: join(dir, 'ca.key'),
    intermediateCert: join(dir, 'intermediate.crt'),
    intermediateKey: join(dir, 'intermediate.key'),
  };
}

export interface CaFolder {
  dir: string;
  root: SigningAuthority;
  intermediate: SigningAuthority | null;
  /** Who signs new certificates: the intermediate once there is one, else the root. */
  issuer: SigningAuthority;
  /** What a leaf's file carries after the leaf: the intermediate, never the root (peers hold that). */
  chain: ParsedCertificate[];
}

export interface OpenOptions {
  passphrase?: Secret;
  /** Only the root is needed (creating an intermediate). */
  rootOnly?: boolean;
}

/** Opens the CA in DIR with the shared loader, so a locked or wrong key gets the shared diagnoses. */
export async function openCaFolder(dir: string, options: OpenOptions = {}): Promise<CaFolder> {
  const paths = caPaths(dir);
  if (!(await exists(paths.rootCert)) || !(await exists(paths.rootKey))) {
    throw new MtlsError('MTLS_CA_NOT_FOUND', `No CA in ${dir}: ${paths.rootCert} and ${paths.rootKey} are needed.`, {
      details: { dir },
      fixes: [`Create one: \`mtls ca init --dir ${dir}\`.`],
    });
  }
  const root = await openAuthority(paths.rootCert, paths.rootKey, options.passphrase);
  const intermediate =
    !options.rootOnly && (await exists(paths.intermediateCert)) ? await openAuthority(paths.intermediateCert, paths.intermediateKey, options.passphrase) : null;
  return { dir, root, intermediate, issuer: intermediate ?? root, chain: intermediate ? [intermediate.certificate] : [] };
}

async function openAuthority(certPath: string, keyPath: string, passphrase: Secret | undefined): Promise<SigningAuthority> {
  const certSource = await loadCredential(certPath, { role: 'CA certificate' });
  const keySource = await loadCredential(keyPath, { role: 'CA private key', ...(passphrase ? { passphrase } : {}) });
  const certificate = certSource.certificates[0];
  const key: LoadedKey | undefined = keySource.keys[0];
  if (!certificate || !key) {
    throw new MtlsError('MTLS_WRONG_CONTENT', `${certificate ? keyPath : certPath} does not hold the ${certificate ? 'CA private key' : 'CA certificate'}.`);
  }
  if (certificate.facts.publicKey.spkiSha256 !== key.facts.spkiSha256) {
    throw new MtlsError('MTLS_KEY_CERT_MISMATCH', `${keyPath} is not the key of ${certPath}.`, { details: { certificate: certPath, key: keyPath } });
  }
  return { certificate, key: key.key };
}

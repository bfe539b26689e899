import { join } from 'node:path';
import { MtlsError } from '../errors.js';
import { exists } from '../fs/write.js';
import { findCaFolders } from './find-ca.js';
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
  /** How to say what to run when DIR holds no CA (the command's own words, the user's paths). */
  retry?: CaRetry;
}

/** The failed command again with another CA folder, for a fix that runs as printed. */
export interface CaRetry {
  /** The whole command line with --dir FOLDER (FOLDER absolute; the caller shows it as typed). */
  command: (dir: string) => string;
  /** A folder as the user would type it. */
  show: (dir: string) => string;
  /** Where to look for CA folders (findCaFolders). */
  near: string[];
  /** DER of the certificate the CA must have issued (renew). */
  issued?: Buffer;
  /** Creating a new CA is a fix (issue, sign); never for renew, where a new CA breaks trust. */
  create: boolean;
}

/** Fixes that point at CA folders found nearby (the issuing one, for renew), else say what to look for. */
export function pointAtCa(retry: CaRetry, not: string): string[] {
  const found = findCaFolders(retry.near, retry.issued).filter((dir) => dir !== not).slice(0, 3);
  const which = retry.issued ? 'the CA that issued it' : 'the CA';
  const fixes = found.map((dir) => `Point at ${which}, in ${retry.show(dir)}: \`${retry.command(dir)}\`.`);
  if (found.length === 0) {
    fixes.push(`Point at ${which} with --dir: \`${retry.command('CA_FOLDER')}\`, CA_FOLDER being the folder where \`mtls ca init\` ran (it holds ca.crt and ca.key); none was found near here.`);
  }
  if (retry.create && found.length === 0) fixes.push(`Or create a CA: \`mtls ca init --dir ${retry.show(not)}\` (peers must then trust its ca.crt).`);
  return fixes;
}

/** Opens the CA in DIR with the shared loader, so a locked or wrong key gets the shared diagnoses. */
export async function openCaFolder(dir: string, options: OpenOptions = {}): Promise<CaFolder> {
  const paths = caPaths(dir);
  if (!(await exists(paths.rootCert)) || !(await exists(paths.rootKey))) {
    throw new MtlsError('MTLS_CA_NOT_FOUND', `No CA in ${dir}: ${paths.rootCert} and ${paths.rootKey} are needed.`, {
      details: { dir },
      fixes: options.retry ? pointAtCa(options.retry, dir) : [`Create one: \`mtls ca init --dir ${dir}\`.`],
      catalogFixes: false,
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

import { MtlsError } from '../errors.js';
import { exists } from '../fs/write.js';
import { loadCredential } from '../load/index.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { caPaths } from '../pki/store.js';

/** A CA certificate of the folder, with the role its file gives it. */
export interface FolderAuthority {
  which: 'root' | 'intermediate';
  certificate: ParsedCertificate;
}

/** The CA certificates in DIR (no keys: recording a revocation needs none), intermediate first. */
export async function folderAuthorities(dir: string): Promise<FolderAuthority[]> {
  const paths = caPaths(dir);
  if (!(await exists(paths.rootCert))) {
    throw new MtlsError('MTLS_CA_NOT_FOUND', `No CA in ${dir}: ${paths.rootCert} is needed.`, { details: { dir }, fixes: [`Create one: \`mtls ca init --dir ${dir}\`.`] });
  }
  const load = async (path: string) => {
    const certificate = (await loadCredential(path, { role: 'CA certificate' })).certificates[0];
    if (!certificate) throw new MtlsError('MTLS_WRONG_CONTENT', `${path} does not hold the CA certificate.`, { details: { path } });
    return certificate;
  };
  const authorities: FolderAuthority[] = [];
  if (await exists(paths.intermediateCert)) authorities.push({ which: 'intermediate', certificate: await load(paths.intermediateCert) });
  authorities.push({ which: 'root', certificate: await load(paths.rootCert) });
  return authorities;
}

/** The folder's CA that signed `certificate`: same name as its issuer, and the signature verifies with its key. */
export function issuingAuthority(certificate: ParsedCertificate, authorities: FolderAuthority[]): FolderAuthority | null {
  return (
    authorities.find(
      (authority) => certificate.x509.checkIssued(authority.certificate.x509) && certificate.x509.verify(authority.certificate.x509.publicKey),
    ) ?? null
  );
}

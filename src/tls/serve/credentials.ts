import { statSync } from 'node:fs';
import { MAX_INPUT_BYTES, readFileBounded } from '../../core/fs/read.js';
import { resolve } from 'node:path';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import type { CertificateFacts } from '../../core/certificate/parse.js';
import { MtlsError } from '../../core/errors.js';
import { loadCredentials, type CredentialInput } from '../../core/load/identity.js';
import { containsPem, toPem } from '../../core/load/pem.js';
import type { Secret } from '../../core/load/types.js';

/** Where the server's credentials come from; read again, whole, on every reload. */
export interface ServeCredentialSources {
  cert: CredentialInput;
  /** Absent when the certificate source also holds the key (a bundle or PKCS#12). */
  key?: CredentialInput;
  clientCa: CredentialInput;
  /** A CRL file (PEM or DER): with it, every client chain is checked for revocation. */
  crl?: string;
  passphrase?: Secret;
  cwd: string;
  /** For `--cert -`: read once, at start (a reload cannot read standard input again). */
  readStdin?: () => Promise<Buffer>;
}

/** Loaded, checked credentials: what Node needs for a secure context, and what to say about them. */
export interface ServeCredentials {
  contextOptions: Pick<SecureContextOptions, 'cert' | 'key' | 'ca' | 'crl'>;
  serverCertificate: CertificateFacts;
  clientCas: CertificateFacts[];
  /** Files behind the sources (inline PEM and base64 values have none), for --watch. */
  files: string[];
}

/**
 * Reads certificate, key, client CAs and CRL through the one loader (so a key that does not match
 * its certificate is refused here, with its own diagnosis), then builds a secure context once to
 * be sure Node accepts it before it replaces anything.
 */
export async function loadServeCredentials(sources: ServeCredentialSources): Promise<ServeCredentials> {
  const { identity, ca } = await loadCredentials({
    cert: sources.cert,
    ...(sources.key ? { key: sources.key } : {}),
    ca: sources.clientCa,
    ...(sources.passphrase ? { passphrase: sources.passphrase } : {}),
    ...(sources.readStdin ? { readStdin: sources.readStdin } : {}),
    cwd: sources.cwd,
  });
  if (!identity || !ca) throw new MtlsError('MTLS_USAGE', 'serve needs --cert, --key and --client-ca.');
  const contextOptions: ServeCredentials['contextOptions'] = {
    cert: identity.certificates.map((c) => toPem('CERTIFICATE', c.der)).join(''),
    key: identity.key.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ca: ca.certificates.map((c) => toPem('CERTIFICATE', c.der)),
    ...(sources.crl ? { crl: await readCrl(sources.crl, sources.cwd) } : {}),
  };
  try {
    createSecureContext(contextOptions);
  } catch (error) {
    throw new MtlsError('MTLS_WRONG_CONTENT', `Node cannot build a TLS context from these credentials: ${(error as Error).message}.`, { cause: error });
  }
  const leaf = identity.certificates[0];
  if (!leaf) throw new MtlsError('MTLS_WRONG_CONTENT', `${sources.cert.value} holds no certificate.`);
  return {
    contextOptions,
    serverCertificate: leaf.facts,
    clientCas: ca.certificates.map((c) => c.facts),
    files: fileSources(sources),
  };
}

/**
 * Every CRL of the file, one PEM string each: Node reads a single CRL from each string it is
 * given, so a crl.pem holding an intermediate's and a root's list would lose the second, and
 * every client chain through that intermediate would fail with UNABLE_TO_GET_CRL.
 */
async function readCrl(path: string, cwd: string): Promise<string[]> {
  let bytes: Buffer;
  try {
    bytes = await readFileBounded(resolve(cwd, path), { limit: MAX_INPUT_BYTES, label: `${path} (--crl)` });
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    throw new MtlsError('MTLS_FILE_NOT_FOUND', `${path}: the CRL file cannot be read (--crl).`, { details: { path } });
  }
  const text = bytes.toString('latin1');
  if (containsPem(text)) {
    const blocks = text.match(/-----BEGIN X509 CRL-----[\s\S]*?-----END X509 CRL-----/g);
    if (!blocks) throw new MtlsError('MTLS_WRONG_CONTENT', `${path} holds no X509 CRL block (--crl).`, { details: { path } });
    return blocks.map((block) => `${block}\n`);
  }
  return [toPem('X509 CRL', bytes)];
}

/** The sources that are files: those are watched. Inline PEM, base64 and stdin cannot change. */
function fileSources(sources: ServeCredentialSources): string[] {
  const values = [sources.cert.value, sources.key?.value, sources.clientCa.value, sources.crl];
  const files: string[] = [];
  for (const value of values) {
    if (!value || value === '-' || value.includes('-----BEGIN ') || value.includes('\n')) continue;
    const path = resolve(sources.cwd, value);
    try {
      if (statSync(path).isFile() && !files.includes(path)) files.push(path);
    } catch {
      // not a file (a base64 value): nothing to watch
    }
  }
  return files;
}

import { MtlsError } from '../errors.js';
import type { ParsedCertificate } from '../certificate/parse.js';
import { loadCredential } from './load.js';
import type { InputFormat, LoadedKey, LoadedSource, Secret } from './types.js';

export interface CredentialInput {
  value: string;
  /** Where the value came from, for messages: '--cert', 'env:MTLS_CERT_PATH'. */
  from: string;
  /** The field carries a secret (a key, a PKCS#12): a bare word in it is never quoted back. Keys always are. */
  secret?: boolean;
  /** Contents only, never a path (the library's Buffers). */
  inline?: boolean;
}

export interface IdentityRequest {
  cert?: CredentialInput;
  key?: CredentialInput;
  ca?: CredentialInput;
  certType?: InputFormat;
  passphrase?: Secret;
  cwd?: string;
  readStdin?: () => Promise<Buffer>;
}

/** A client (or server) identity: the leaf first, then the chain to send, and its private key. */
export interface Identity {
  certificates: ParsedCertificate[];
  key: LoadedKey;
  certSource: LoadedSource;
  keySource: LoadedSource;
  /** Where the leaf was in the file when it was not first (0-based); the certificates above are leaf first. */
  leafWasAt?: number;
}

export interface LoadedCredentials {
  identity: Identity | null;
  /** Trust anchors from --cacert, when given. */
  ca: { certificates: ParsedCertificate[]; source: LoadedSource } | null;
}

/**
 * Loads what a TLS peer needs: certificate chain, key (from --key or from the same bundle or
 * PKCS#12) and CA certificates, and checks that the key belongs to the leaf before any traffic.
 */
export async function loadCredentials(request: IdentityRequest): Promise<LoadedCredentials> {
  const stdinUsers = [request.cert, request.key, request.ca].filter((c) => c?.value === '-').length;
  if (stdinUsers > 1) {
    throw new MtlsError('MTLS_CONFLICTING_INPUTS', 'Only one input can be read from standard input (-).');
  }
  const common = {
    ...(request.passphrase ? { passphrase: request.passphrase } : {}),
    ...(request.cwd ? { cwd: request.cwd } : {}),
    ...(request.readStdin ? { readStdin: request.readStdin } : {}),
  };
  let identity: Identity | null = null;
  if (request.cert) {
    const certSource = await loadCredential(request.cert.value, { ...common, ...(request.certType ? { format: request.certType } : {}), ...inputFlags(request.cert), label: request.cert.from });
    if (certSource.certificates.length === 0) {
      // A CSR where its signed certificate belongs: the step left is signing it.
      const csr = certSource.csrs.length > 0 && certSource.keys.length === 0;
      const path = sourcePath(certSource);
      throw new MtlsError('MTLS_WRONG_CONTENT', `${named(certSource, request.cert.from)} holds no certificate${describeFound(certSource)}.`, csr ? {
        fixes: [
          `Sign it to get the certificate: \`mtls sign ${path ?? 'FILE.csr'} --client\` with a local CA (\`--server\` for a server certificate, \`--dir\` for the CA folder), or send it to your CA; then pass the .crt with ${request.cert.from}.`,
        ],
        catalogFixes: false,
      } : {});
    }
    let keySource = certSource;
    if (request.key) {
      // The key flag is never forced to P12/DER by --cert-type: that flag describes the certificate.
      keySource = await loadCredential(request.key.value, { ...common, ...inputFlags(request.key), secret: true, label: request.key.from });
    }
    const key = keySource.keys[0];
    if (!key) {
      if (!request.key && certSource.pkcs12) {
        throw new MtlsError('MTLS_P12_NO_KEY', `${certSource.origin} holds certificates but no private key.`);
      }
      if (!request.key) {
        throw new MtlsError('MTLS_WRONG_CONTENT', `No private key: ${certSource.origin} holds no key, and --key was not given.`, {
          fixes: ['Pass the key with `--key FILE` (or MTLS_KEY_PATH).'],
        });
      }
      throw new MtlsError('MTLS_WRONG_CONTENT', `${named(keySource, request.key.from)} holds no private key${describeFound(keySource)}.`);
    }
    const certificates = orderLeafFirst(certSource.certificates, key, request.cert.from, sourcePath(certSource), sourcePath(keySource));
    const leafWasAt = certSource.certificates.indexOf(certificates[0] as ParsedCertificate);
    identity = { certificates, key, certSource, keySource, ...(leafWasAt > 0 ? { leafWasAt } : {}) };
  } else if (request.key) {
    throw new MtlsError('MTLS_USAGE', `A key was given (${request.key.from}) without a certificate.`, {
      fixes: ['Pass the certificate too: `--cert FILE` (or MTLS_CERT_PATH).'],
    });
  }
  let ca: LoadedCredentials['ca'] = null;
  if (request.ca) {
    const source = await loadCredential(request.ca.value, { ...common, ...inputFlags(request.ca), label: request.ca.from });
    if (source.certificates.length === 0) {
      throw new MtlsError('MTLS_WRONG_CONTENT', `${named(source, request.ca.from)} holds no CA certificate${describeFound(source)}.`);
    }
    ca = { certificates: source.certificates, source };
  }
  return { identity, ca };
}

function inputFlags(input: CredentialInput): { secret?: boolean; inline?: boolean } {
  return { ...(input.secret ? { secret: true } : {}), ...(input.inline ? { inline: true } : {}) };
}

/**
 * The certificate whose public key is the key's goes first. When none matches, the pair can
 * never complete a handshake, so this is caught here, before any traffic.
 */
function orderLeafFirst(certificates: ParsedCertificate[], key: LoadedKey, certFlag: string, certPath: string | null, keyPath: string | null): ParsedCertificate[] {
  const index = certificates.findIndex((c) => c.facts.publicKey.spkiSha256 === key.facts.spkiSha256);
  const first = certificates[0] as ParsedCertificate;
  if (index < 0) {
    const details = { certificatePublicKey: first.facts.publicKey.spkiSha256, keyPublicKey: key.facts.spkiSha256 };
    const matchCommand = `mtls match ${certPath ?? 'CERT'} ${keyPath ?? 'KEY'}`;
    // Only CA certificates: the ca.crt given where the leaf goes, a mistake the mismatch alone hides.
    if (certificates.every((c) => c.facts.isCa)) {
      throw new MtlsError(
        'MTLS_KEY_CERT_MISMATCH',
        `${certFlag} holds a CA certificate ("${first.facts.subject}"), not a certificate of its own: the private key does not belong to it.`,
        {
          details,
          fixes: [
            `A CA certificate goes to --cacert (the CA a client trusts for the server) or --client-ca (mtls serve: the CA it trusts for clients); give ${certFlag} the certificate issued for this key.`,
            `See which certificate this key belongs to: \`${matchCommand}\` (it tries the other certificates in the folder).`,
          ],
          catalogFixes: false,
        },
      );
    }
    throw new MtlsError('MTLS_KEY_CERT_MISMATCH', `The private key does not belong to the certificate "${first.facts.subject}".`, {
      details,
      fixes: [`Find the key that belongs: \`${matchCommand}\` (it also tries other certificates in the folder).`],
      catalogFixes: false,
    });
  }
  if (index === 0) return certificates;
  const leaf = certificates[index] as ParsedCertificate;
  return [leaf, ...certificates.filter((_, i) => i !== index)];
}

function describeFound(source: LoadedSource): string {
  const found: string[] = [];
  if (source.keys.length + source.lockedKeys.length > 0) found.push('a private key');
  if (source.csrs.length > 0) found.push('a certificate request');
  if (source.certificates.length > 0) found.push('certificates');
  return found.length > 0 ? ` (it holds ${found.join(' and ')})` : '';
}

/** "client.pem (--cert)"; an origin that already names the flag ("inline PEM (--cert)") is not told twice. */
function named(source: LoadedSource, from: string): string {
  return source.origin.includes(`(${from})`) || source.origin === from ? source.origin : `${source.origin} (${from})`;
}

/** The path a source was read from, when it was a file (to put in a command). */
function sourcePath(source: LoadedSource): string | null {
  return /^(inline PEM|base64 value|standard input)\b/.test(source.origin) || /\s/.test(source.origin) ? null : source.origin;
}

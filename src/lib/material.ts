import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CertificateFacts } from '../core/certificate/parse.js';
import { loadCredentials, type CredentialInput } from '../core/load/identity.js';
import { toPem } from '../core/load/pem.js';
import { identityPem } from '../tls/identity-pem.js';
import type { CredentialValue, MtlsCredentials } from './options.js';

/** What one target's connections use, ready for Node's TLS options, and the facts to diagnose with. */
export interface TlsMaterial {
  identity: { certPem: string; keyPem: string } | null;
  caPem: string[] | null;
  clientChain: CertificateFacts[];
  trustedCas: CertificateFacts[] | null;
  servername: string | null;
  /** Absolute paths the credentials were read from: what rotation watches. */
  files: string[];
}

/** A string that names an existing file rather than holding PEM or base64 (as the loader decides: a file wins). */
function isPath(value: CredentialValue, cwd: string): value is string {
  return typeof value === 'string' && !value.includes('-----BEGIN ') && !value.includes('\n') && value.length <= 4096 && existsSync(resolve(cwd, value));
}

/** The loader takes strings: bytes go in as base64 (never taken for a path), which it decodes to PEM, DER or PKCS#12. */
function asInput(value: CredentialValue, from: string, secret = false): CredentialInput {
  const input: CredentialInput = typeof value === 'string' ? { value, from } : { value: Buffer.from(value).toString('base64'), from, inline: true };
  return secret ? { ...input, secret: true } : input;
}

/**
 * Reads and checks one target's credentials with the CLI's loader: every format, the key
 * matched to the leaf, the passphrase never echoed. Throws MtlsError.
 */
export async function loadTlsMaterial(credentials: MtlsCredentials, optionsPath: string | null, cwd: string): Promise<TlsMaterial> {
  const field = (name: string) => (optionsPath === null ? name : `${optionsPath}.${name}`);
  const certValue = credentials.pfx ?? credentials.cert;
  const caValues = credentials.ca === undefined ? [] : Array.isArray(credentials.ca) ? credentials.ca : [credentials.ca];
  const caFacts: CertificateFacts[] = [];
  const caPem: string[] = [];
  for (const [index, value] of caValues.entries()) {
    const loaded = await loadCredentials({ ca: asInput(value, caValues.length > 1 ? `${field('ca')}[${index}]` : field('ca')), cwd });
    for (const certificate of loaded.ca?.certificates ?? []) {
      caFacts.push(certificate.facts);
      caPem.push(toPem('CERTIFICATE', certificate.der));
    }
  }
  const loaded = certValue === undefined
    ? { identity: null }
    : await loadCredentials({
        cert: asInput(certValue, field(credentials.pfx !== undefined ? 'pfx' : 'cert'), credentials.pfx !== undefined),
        ...(credentials.key !== undefined ? { key: asInput(credentials.key, field('key')) } : {}),
        ...(credentials.pfx !== undefined ? { certType: 'P12' as const } : credentials.certType ? { certType: credentials.certType } : {}),
        ...(credentials.passphrase !== undefined ? { passphrase: { origin: field('passphrase'), value: credentials.passphrase } } : {}),
        cwd,
      });
  const files = [certValue, credentials.key, ...caValues]
    .filter((value): value is CredentialValue => value !== undefined)
    .filter((value) => isPath(value, cwd))
    .map((path) => resolve(cwd, path));
  return {
    identity: loaded.identity ? identityPem(loaded.identity) : null,
    caPem: caValues.length > 0 ? caPem : null,
    clientChain: loaded.identity ? loaded.identity.certificates.map((c) => c.facts) : [],
    trustedCas: caValues.length > 0 ? caFacts : null,
    servername: credentials.servername ?? null,
    files,
  };
}

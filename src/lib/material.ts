import { existsSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import type { CertificateFacts } from '../core/certificate/parse.js';
import { loadCredentials, type CredentialInput } from '../core/load/identity.js';
import { toPem } from '../core/load/pem.js';
import { identityPem } from '../tls/identity-pem.js';
import type { CredentialValue, MtlsCredentials } from './options.js';
import { MtlsSecret, revealed } from './secret.js';
import { rewordError } from './wording.js';

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
function asInput(given: CredentialValue, from: string, secret = false): CredentialInput {
  const value = revealed(given);
  const input: CredentialInput = typeof value === 'string' ? { value, from } : { value: Buffer.from(value).toString('base64'), from, inline: true };
  return secret ? { ...input, secret: true } : input;
}

/**
 * Reads and checks one target's credentials with the CLI's loader: every format, the key
 * matched to the leaf, the passphrase never echoed. Throws MtlsError.
 */
export async function loadTlsMaterial(credentials: MtlsCredentials, optionsPath: string | null, cwd: string): Promise<TlsMaterial> {
  try {
    return await readTlsMaterial(credentials, optionsPath, cwd);
  } catch (error) {
    // The loader's fixes name CLI flags; a library user sets options. Its message names the file
    // by its full path, which logs should not carry: the option's value as given, else its name.
    throw rewordError(error, pathsGiven(credentials, cwd));
  }
}

async function readTlsMaterial(credentials: MtlsCredentials, optionsPath: string | null, cwd: string): Promise<TlsMaterial> {
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
        ...(credentials.passphrase !== undefined ? { passphrase: { origin: secretOrigin(credentials.passphrase, field('passphrase')), value: String(revealed(credentials.passphrase)) } } : {}),
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

/** How errors name a passphrase: the option, and where loadMtlsConfig found it when that was elsewhere. */
function secretOrigin(value: string | MtlsSecret, field: string): string {
  return value instanceof MtlsSecret && value.origin !== field && !value.origin.endsWith(`.${field}`) ? `${field} (from ${value.origin})` : field;
}

/** Full paths of the files the credentials name → how an error may show them (a relative value as given, else the file name). */
function pathsGiven(credentials: MtlsCredentials, cwd: string): Map<string, string> {
  const shown = new Map<string, string>();
  const ca = credentials.ca === undefined ? [] : Array.isArray(credentials.ca) ? credentials.ca : [credentials.ca];
  for (const value of [credentials.cert, credentials.key, credentials.pfx, ...ca]) {
    if (typeof value !== 'string' || value.includes('\n') || value.includes('-----BEGIN') || value.length > 4096) continue;
    shown.set(resolve(cwd, value), isAbsolute(value) ? basename(value) : value);
  }
  return shown;
}

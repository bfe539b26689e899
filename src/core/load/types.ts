import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../certificate/parse.js';
import type { KeyFacts } from '../key/describe.js';
import type { Pkcs12Info } from '../pkcs12/index.js';

export type InputFormat = 'PEM' | 'DER' | 'P12';

/** A secret and where it came from. `origin` is safe to print; `value` never is. */
export interface Secret {
  origin: string;
  value: string;
}

/** How the private key was stored, which decides how it is unlocked and what errors mean. */
export type KeyEncoding =
  | 'PKCS#8'
  | 'encrypted PKCS#8'
  | 'SEC1'
  | 'PKCS#1'
  | 'traditional OpenSSL-encrypted SEC1'
  | 'traditional OpenSSL-encrypted PKCS#1'
  | 'PKCS#12';

export interface LoadedKey {
  key: KeyObject;
  encoding: KeyEncoding;
  /** The cipher that protected it on disk, e.g. 'AES-256-CBC (PBKDF2)'; null when stored in clear. */
  encryption: string | null;
  facts: KeyFacts;
}

/** An encrypted key that was not opened (no passphrase was given and none was required). */
export interface LockedKey {
  encoding: KeyEncoding;
  encryption: string;
}

export interface ParsedCsr {
  der: Buffer;
  subject: string;
  subjectAltNames: { type: string; value: string }[];
  publicKey: KeyFacts;
  signatureValid: boolean;
  signatureAlgorithm: string;
}

export interface LoadedSource {
  /** Where it came from, for messages: a path, 'standard input', 'inline PEM', 'MTLS_CERT_PATH'. */
  origin: string;
  /** How the bytes were encoded, as detected (or forced). */
  format: 'PEM' | 'DER' | 'P12' | 'base64 PEM' | 'base64 DER' | 'base64 P12' | 'TLS endpoint';
  certificates: ParsedCertificate[];
  keys: LoadedKey[];
  lockedKeys: LockedKey[];
  csrs: ParsedCsr[];
  /** PEM blocks that were skipped (e.g. EC PARAMETERS), by label. */
  skipped: string[];
  pkcs12: Pkcs12Info | null;
}

export interface LoadOptions {
  /** --cert-type: skip detection. */
  format?: InputFormat;
  passphrase?: Secret;
  /** 'required' (default): an encrypted key without passphrase is an error. 'optional': it is listed as locked. */
  decrypt?: 'required' | 'optional';
  readStdin?: () => Promise<Buffer>;
  cwd?: string;
  /** What the input is meant to be, for messages: 'certificate', 'private key', 'CA bundle'. */
  role?: string;
}

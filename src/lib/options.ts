import { MtlsError } from '../core/errors.js';
import { normalizeTargetKey } from '../config/file.js';
import { MtlsSecret } from './secret.js';

/**
 * A certificate, key, CA bundle or PKCS#12: a path, PEM text, base64 of PEM/DER/PKCS#12, or the
 * bytes themselves. Paths are re-read on rotation; contents are used as given.
 */
export type CredentialValue = string | Uint8Array | MtlsSecret;

/** The credentials for one target (or the defaults): what `mtls.config.json` holds, in code. */
export interface MtlsCredentials {
  /** Client certificate (leaf first; may carry its chain, and its key in the same PEM). */
  cert?: CredentialValue;
  /** Private key, when not in `cert`. PKCS#8, SEC1, PKCS#1, encrypted or not. */
  key?: CredentialValue;
  /** PKCS#12 / PFX holding certificate, chain and key; instead of `cert` and `key`. */
  pfx?: CredentialValue;
  /** Unlocks an encrypted key or PKCS#12. Never printed. An MtlsSecret (what loadMtlsConfig gives) stays redacted in logs. */
  passphrase?: string | MtlsSecret;
  /** CAs that the server's certificate must chain to; instead of Node's bundled roots. */
  ca?: CredentialValue | CredentialValue[];
  /** SNI and the name the server's certificate must match, when not the URL's host. */
  servername?: string;
  /** Skip format detection for `cert`. */
  certType?: 'PEM' | 'DER' | 'P12';
  /** false: send no client certificate to this target, even when the defaults have one. */
  clientCertificate?: boolean;
}

export interface MtlsWatchOptions {
  /** How often the files are checked for changes, in ms (default 1000). */
  intervalMs?: number;
}

export interface MtlsAgentOptions extends MtlsCredentials {
  /**
   * Per-target overrides, keyed by origin (`https://api.example.com`), `host:port`, `host` or
   * `*.domain`. A target's `cert`/`key`/`pfx`/`passphrase` replace the defaults' as a whole;
   * `ca` and `servername` fall back to the defaults one by one.
   */
  targets?: Record<string, MtlsCredentials>;
  /** Origins that match no target: 'use-defaults' (the default) or 'no-client-certificate'. */
  unmatchedOrigins?: 'use-defaults' | 'no-client-certificate';
  /** Milliseconds to establish TCP + TLS (default 10000). */
  connectTimeout?: number;
  /** Milliseconds to wait for response headers, and between body chunks (undici's defaults: 300000). */
  headersTimeout?: number;
  bodyTimeout?: number;
  /** false skips verifying the server (never do this in production). Default true. */
  rejectUnauthorized?: boolean;
  /** Re-read certificate, key and CA files when they change; new connections use them. */
  watch?: boolean | MtlsWatchOptions;
  /** Called after a target's credentials were re-read from changed files. */
  onReload?: (event: { target: string; files: string[] }) => void;
  /**
   * Called when changed files cannot be used (half-written, key not matching, wrong passphrase):
   * the previous credentials stay in use. Without it, a process warning is emitted.
   */
  onReloadError?: (error: MtlsError, target: string) => void;
  /** Relative paths are resolved against this folder (default: process.cwd()). */
  cwd?: string;
}

/** The name of the defaults in messages and events, beside the targets' keys. */
export const DEFAULTS = 'defaults';

const CREDENTIAL_KEYS = ['cert', 'key', 'pfx', 'passphrase', 'ca', 'servername', 'certType', 'clientCertificate'] as const;
const AGENT_KEYS = new Set<string>([
  ...CREDENTIAL_KEYS,
  'targets',
  'unmatchedOrigins',
  'connectTimeout',
  'headersTimeout',
  'bodyTimeout',
  'rejectUnauthorized',
  'watch',
  'onReload',
  'onReloadError',
  'cwd',
]);

function invalid(where: string, problem: string): never {
  throw new MtlsError('MTLS_CONFIG_INVALID', `createMtlsAgent options: ${where} ${problem}.`, { details: { at: where } });
}

function isCredentialValue(value: unknown): value is CredentialValue {
  return typeof value === 'string' || value instanceof Uint8Array || value instanceof MtlsSecret;
}

/** Checks a credentials object's shape; messages name the field, never its value. */
function checkCredentials(value: unknown, where: string, allowed: Set<string>): MtlsCredentials {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(where, 'must be an object');
  const record = value as Record<string, unknown>;
  for (const [key, field] of Object.entries(record)) {
    const at = where === 'options' ? key : `${where}.${key}`;
    if (!allowed.has(key)) invalid(at, `is not a known option (use ${[...allowed].join(', ')})`);
    if (field === undefined) continue;
    if ((key === 'cert' || key === 'key' || key === 'pfx') && !isCredentialValue(field)) invalid(at, 'must be a path, PEM or base64 text, or a Buffer');
    if (key === 'ca' && !(isCredentialValue(field) || (Array.isArray(field) && field.every(isCredentialValue)))) invalid(at, 'must be a path, PEM text, a Buffer, or an array of those');
    if (key === 'passphrase' && typeof field !== 'string' && !(field instanceof MtlsSecret)) invalid(at, 'must be a string');
    if (key === 'servername' && typeof field !== 'string') invalid(at, 'must be a string');
    if (key === 'certType' && !['PEM', 'DER', 'P12'].includes(field as string)) invalid(at, 'must be PEM, DER or P12');
    if (key === 'clientCertificate' && typeof field !== 'boolean') invalid(at, 'must be true or false');
  }
  if (record.pfx !== undefined && (record.cert !== undefined || record.key !== undefined)) invalid(where === 'options' ? 'pfx' : `${where}.pfx`, 'cannot be combined with cert or key');
  if (record.key !== undefined && record.cert === undefined) invalid(where === 'options' ? 'key' : `${where}.key`, 'was given without cert');
  return record as MtlsCredentials;
}

function checkTimeout(value: unknown, where: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) invalid(where, 'must be a positive number of milliseconds');
}

/** Validates createMtlsAgent's options and normalizes the target keys. */
export function checkAgentOptions(options: MtlsAgentOptions): MtlsAgentOptions {
  checkCredentials(options, 'options', AGENT_KEYS);
  const targets: Record<string, MtlsCredentials> = {};
  if (options.targets !== undefined) {
    if (typeof options.targets !== 'object' || options.targets === null || Array.isArray(options.targets)) invalid('targets', 'must be an object keyed by origin or host');
    for (const [name, value] of Object.entries(options.targets)) {
      targets[normalizeTargetKey(name)] = checkCredentials(value, `targets["${name}"]`, new Set(CREDENTIAL_KEYS));
    }
  }
  if (options.unmatchedOrigins !== undefined && !['use-defaults', 'no-client-certificate'].includes(options.unmatchedOrigins)) {
    invalid('unmatchedOrigins', "must be 'use-defaults' or 'no-client-certificate'");
  }
  checkTimeout(options.connectTimeout, 'connectTimeout');
  checkTimeout(options.headersTimeout, 'headersTimeout');
  checkTimeout(options.bodyTimeout, 'bodyTimeout');
  if (typeof options.watch === 'object' && options.watch !== null) checkTimeout(options.watch.intervalMs, 'watch.intervalMs');
  for (const hook of ['onReload', 'onReloadError'] as const) {
    if (options[hook] !== undefined && typeof options[hook] !== 'function') invalid(hook, 'must be a function');
  }
  return { ...options, targets };
}

/** The credentials that apply to a target: its own identity, else the defaults'; CA and name field by field. */
export function effectiveCredentials(defaults: MtlsCredentials, target: MtlsCredentials | null, useDefaultIdentity: boolean): MtlsCredentials {
  const ownIdentity = target && (target.cert !== undefined || target.pfx !== undefined);
  const identitySource = ownIdentity ? target : useDefaultIdentity ? defaults : {};
  const sendCertificate = (target?.clientCertificate ?? true) && identitySource.clientCertificate !== false;
  const merged: MtlsCredentials = {};
  if (sendCertificate) {
    for (const key of ['cert', 'key', 'pfx', 'passphrase', 'certType'] as const) {
      if (identitySource[key] !== undefined) merged[key] = identitySource[key] as never;
    }
  }
  const ca = target?.ca ?? defaults.ca;
  if (ca !== undefined) merged.ca = ca;
  const servername = target?.servername ?? defaults.servername;
  if (servername !== undefined) merged.servername = servername;
  return merged;
}

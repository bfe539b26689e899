import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MtlsError } from '../core/errors.js';
import { MAX_INPUT_BYTES, readFileBounded } from '../core/fs/read.js';

/** One set of credential settings: the config file's defaults or one target's overrides. */
export interface CredentialProfile {
  cert?: string;
  key?: string;
  ca?: string;
  passphrase?: string;
  certType?: 'PEM' | 'DER' | 'P12';
  servername?: string;
  /** false: no client certificate for this target, even when the defaults have one. */
  clientCertificate?: boolean;
}

export interface ConfigFile {
  path: string;
  defaults: CredentialProfile;
  /** Keyed by origin (https://host:port), host:port, host, or *.domain. */
  targets: Record<string, CredentialProfile>;
}

export const DEFAULT_CONFIG_NAME = 'mtls.config.json';
const PROFILE_KEYS = new Set(['cert', 'key', 'ca', 'passphrase', 'certType', 'servername', 'clientCertificate']);

/**
 * Reads `--config FILE`, else ./mtls.config.json when present, else nothing, and checks its
 * shape. {env:NAME} and {file:PATH} are resolved later, only in the profile that is used, so a
 * variable that one target needs does not have to be set for every other target.
 */
export async function loadConfigFile(explicit: string | undefined, cwd: string): Promise<ConfigFile | null> {
  const path = explicit ? resolve(cwd, explicit) : resolve(cwd, DEFAULT_CONFIG_NAME);
  if (!explicit && !existsSync(path)) return null;
  let text: string;
  try {
    text = (await readFileBounded(path, { limit: MAX_INPUT_BYTES, label: `Config file ${explicit ?? path}` })).toString('utf8');
  } catch (error) {
    if (error instanceof MtlsError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new MtlsError('MTLS_FILE_UNREADABLE', `Config file ${explicit ?? path}: cannot be read (${code}).`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // V8's message quotes the text around the error, which may be a passphrase: give only the place.
    throw new MtlsError('MTLS_CONFIG_INVALID', `Config file ${path} is not valid JSON (${syntaxErrorPlace(text)}).`, { causes: [] });
  }
  return validateConfig(data, path);
}

export function validateConfig(data: unknown, path: string): ConfigFile {
  const fail = (where: string, problem: string): never => {
    throw new MtlsError('MTLS_CONFIG_INVALID', `Config file ${path}: ${where} ${problem}.`, { details: { path, at: where } });
  };
  if (!isObject(data)) return fail('the top level', 'must be an object');
  for (const key of Object.keys(data)) {
    if (!['$schema', 'mtls', 'targets'].includes(key)) fail(`"${key}"`, 'is not a known key (expected "mtls" and "targets")');
  }
  const defaults = data.mtls === undefined ? {} : profile(data.mtls, 'mtls', fail);
  const targets: Record<string, CredentialProfile> = {};
  if (data.targets !== undefined) {
    if (!isObject(data.targets)) fail('"targets"', 'must be an object keyed by origin or host');
    for (const [name, value] of Object.entries(data.targets as Record<string, unknown>)) {
      targets[normalizeTargetKey(name)] = profile(value, `targets["${name}"]`, fail);
    }
  }
  return { path, defaults, targets };
}

/** Checks the shape now; {env:}/{file:} are resolved only for the profile in use (resolveProfile). */
function profile(value: unknown, where: string, fail: (where: string, problem: string) => never): CredentialProfile {
  if (!isObject(value)) return fail(where, 'must be an object');
  const result: CredentialProfile = {};
  for (const [key, raw] of Object.entries(value)) {
    if (!PROFILE_KEYS.has(key)) fail(`${where}.${key}`, `is not a known setting (use ${[...PROFILE_KEYS].join(', ')})`);
    if (key === 'clientCertificate') {
      if (typeof raw !== 'boolean') fail(`${where}.${key}`, 'must be true or false');
      result.clientCertificate = raw as boolean;
      continue;
    }
    if (typeof raw !== 'string') fail(`${where}.${key}`, 'must be a string');
    if (key === 'certType' && !/^(pem|der|p12)$/i.test(raw as string)) fail(`${where}.certType`, 'must be PEM, DER or P12');
    result[key as keyof CredentialProfile] = (key === 'certType' ? (raw as string).toUpperCase() : raw) as never;
  }
  return result;
}

/** A profile with its {env:NAME} and {file:PATH} values resolved; `where` names it in errors. */
export async function resolveProfile(
  config: ConfigFile,
  value: CredentialProfile,
  where: string,
  env: Record<string, string | undefined>,
): Promise<CredentialProfile> {
  const fail = (at: string, problem: string): never => {
    throw new MtlsError('MTLS_CONFIG_INVALID', `Config file ${config.path}: ${at} ${problem}.`, { details: { path: config.path, at } });
  };
  const result: CredentialProfile = {};
  for (const [key, raw] of Object.entries(value) as [keyof CredentialProfile, string | boolean][]) {
    result[key] = (typeof raw === 'string' ? await interpolate(raw, `${where}.${key}`, dirname(config.path), env, fail) : raw) as never;
  }
  return result;
}

async function interpolate(
  text: string,
  where: string,
  base: string,
  env: Record<string, string | undefined>,
  fail: (where: string, problem: string) => never,
): Promise<string> {
  const pattern = /\{(env|file):([^}]+)\}/g;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += text.slice(last, match.index);
    const [, kind, name = ''] = match;
    if (kind === 'env') {
      const value = env[name];
      if (value === undefined) fail(where, `uses {env:${name}}, but ${name} is not set`);
      out += value;
    } else {
      try {
        out += (await readFileBounded(resolve(base, name), { limit: MAX_INPUT_BYTES, allowPipe: true })).toString('utf8').replace(/\r?\n$/, '');
      } catch {
        fail(where, `uses {file:${name}}, which cannot be read`);
      }
    }
    last = (match.index ?? 0) + match[0].length;
  }
  return out + text.slice(last);
}

/**
 * Where the JSON breaks, as line and column. Node 20 does not say, so the first offset at which
 * a prefix fails for a reason other than "ends too early" is found by bisection (a few parses).
 */
function syntaxErrorPlace(text: string): string {
  const failsEarly = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return false;
    } catch (error) {
      const message = (error as Error).message;
      if (/end of JSON input|Unterminated/i.test(message)) return false;
      // A cut-off prefix fails "at position N" where N is its own end: that is not the real error.
      const position = /at position (\d+)/.exec(message)?.[1];
      return position === undefined || Number(position) < length;
    }
  };
  let low = 0;
  let high = text.length;
  if (!failsEarly(high)) return 'the file ends too early';
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (failsEarly(middle)) high = middle;
    else low = middle + 1;
  }
  const before = text.slice(0, low).split('\n');
  return `line ${before.length}, column ${before[before.length - 1]?.length ?? 0}`; // the failing character's column
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Origins lose a default :443 and a trailing slash, so "https://a.example/" matches "https://a.example:443". */
export function normalizeTargetKey(key: string): string {
  const trimmed = key.trim().replace(/\/+$/, '').toLowerCase();
  if (trimmed.startsWith('https://')) return trimmed.replace(/:443$/, '');
  return trimmed;
}

/** The profile for a target URL or host:port: exact origin, then host:port, then host, then *.parent. */
export function targetProfile(config: ConfigFile, target: string | undefined): { key: string; profile: CredentialProfile } | null {
  return target ? matchTarget(config.targets, target) : null;
}

/**
 * The entry of `targets` (keys as normalizeTargetKey leaves them) that a URL or host:port falls
 * under: exact origin, then host:port, then host, then the nearest *.parent. Shared by the CLI's
 * config and the library's per-target options, so both match origins the same way.
 */
export function matchTarget<T>(targets: Record<string, T>, target: string): { key: string; profile: T } | null {
  let host: string;
  let port: string;
  try {
    const url = new URL(/^[a-z]+:\/\//i.test(target) ? target : `https://${target}`);
    host = url.hostname.toLowerCase();
    port = url.port || '443';
  } catch {
    return null;
  }
  const labels = host.split('.');
  // *.example.com matches a.example.com and a.b.example.com, never a bare TLD wildcard.
  const wildcards = labels.slice(1, -1).map((_, i) => `*.${labels.slice(i + 1).join('.')}`);
  const candidates = [port === '443' ? `https://${host}` : `https://${host}:${port}`, `${host}:${port}`, host, ...wildcards];
  for (const key of candidates) {
    // Own keys only: a host named "constructor" must not match Object.prototype.
    if (Object.hasOwn(targets, key)) return { key, profile: targets[key] as T };
  }
  return null;
}

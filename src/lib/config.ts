import { loadConfigFile, resolveProfile, type CredentialProfile } from '../config/file.js';
import { normalizeEnvPrefix, secretFromEnv } from '../core/load/secret.js';
import type { MtlsAgentOptions, MtlsCredentials } from './options.js';
import { MtlsSecret } from './secret.js';

export interface LoadMtlsConfigOptions {
  /** The config file; default ./mtls.config.json when it exists (as the CLI's --config). */
  file?: string;
  /** Environment to read MTLS_* (and PREFIX_*) from; default process.env. */
  env?: Record<string, string | undefined>;
  /** As the CLI's --env-prefix: PREFIX_CERT, PREFIX_KEY, PREFIX_CA, PREFIX_KEY_PASSPHRASE. */
  envPrefix?: string;
  /** Where relative paths start; default process.cwd(). */
  cwd?: string;
}

/**
 * The CLI's settings as createMtlsAgent options: the config file's defaults and targets, with
 * {env:NAME}/{file:PATH} resolved, and the environment variables (PREFIX_* over MTLS_*) over the
 * file's defaults. A target's own fields win for that target: a stray MTLS_CERT_PATH changes the
 * defaults, never a target that names its own certificate (the CLI, where flags and variables
 * are typed for one request, keeps its documented order). Passphrases, and keys given as text,
 * come back as MtlsSecret: logging the options shows "[redacted]". Throws MtlsError
 * (MTLS_CONFIG_INVALID) naming the field, never its value.
 */
export async function loadMtlsConfig(options: LoadMtlsConfigOptions = {}): Promise<MtlsAgentOptions> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfigFile(options.file, cwd);
  const result: MtlsAgentOptions = { cwd };
  if (config) {
    Object.assign(result, guarded(await resolveProfile(config, config.defaults, 'mtls', env), 'mtls'));
    result.targets = {};
    for (const [name, profile] of Object.entries(config.targets)) {
      result.targets[name] = guarded(await resolveProfile(config, profile, `targets["${name}"]`, env), `targets["${name}"]`);
    }
  }
  return Object.assign(result, envDefaults(env, options.envPrefix));
}

/** Text that holds a key rather than naming its file: kept as a secret. */
function isKeyText(value: string): boolean {
  return value.includes('-----BEGIN') || value.includes('\n') || value.length > 512;
}

/** A resolved profile with its secrets wrapped. */
function guarded(profile: CredentialProfile, where: string): MtlsCredentials {
  const result: MtlsCredentials = { ...profile };
  if (profile.passphrase !== undefined) result.passphrase = new MtlsSecret(profile.passphrase, `${where}.passphrase`);
  if (profile.key !== undefined && isKeyText(profile.key)) result.key = new MtlsSecret(profile.key, `${where}.key`);
  if (profile.cert !== undefined && isKeyText(profile.cert) && /PRIVATE KEY|^[A-Za-z0-9+/=\s]{513,}$/.test(profile.cert)) result.cert = new MtlsSecret(profile.cert, `${where}.cert`);
  return result;
}

/** The variables the CLI reads, prefixed ones first; empty values count as unset. They set the defaults. */
function envDefaults(env: Record<string, string | undefined>, envPrefix: string | undefined): MtlsCredentials {
  const prefix = envPrefix === undefined ? undefined : normalizeEnvPrefix(envPrefix);
  const pick = (suffix: string, plain: string): { name: string; value: string } | undefined => {
    for (const name of [...(prefix ? [`${prefix}_${suffix}`] : []), plain]) {
      const value = env[name];
      if (value !== undefined && value !== '') return { name, value };
    }
    return undefined;
  };
  const overrides: MtlsCredentials = {};
  const cert = pick('CERT', 'MTLS_CERT_PATH');
  const key = pick('KEY', 'MTLS_KEY_PATH');
  const ca = pick('CA', 'MTLS_CA_PATH');
  const passphrase = secretFromEnv(env, prefix);
  if (cert !== undefined) overrides.cert = cert.value;
  if (key !== undefined) overrides.key = isKeyText(key.value) ? new MtlsSecret(key.value, `env:${key.name}`) : key.value;
  if (ca !== undefined) overrides.ca = ca.value;
  if (passphrase) overrides.passphrase = new MtlsSecret(passphrase.value, passphrase.origin);
  return overrides;
}

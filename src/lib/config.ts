import { loadConfigFile, resolveProfile } from '../config/file.js';
import { normalizeEnvPrefix, secretFromEnv } from '../core/load/secret.js';
import type { MtlsAgentOptions, MtlsCredentials } from './options.js';

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
 * {env:NAME}/{file:PATH} resolved, under the environment variables, which win as they do for
 * every CLI command (PREFIX_* over MTLS_* over the config file). Throws MtlsError
 * (MTLS_CONFIG_INVALID) naming the field, never its value.
 */
export async function loadMtlsConfig(options: LoadMtlsConfigOptions = {}): Promise<MtlsAgentOptions> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfigFile(options.file, cwd);
  const overrides = envOverrides(env, options.envPrefix);
  const result: MtlsAgentOptions = { cwd };
  if (config) {
    Object.assign(result, await resolveProfile(config, config.defaults, 'mtls', env));
    result.targets = {};
    for (const [name, profile] of Object.entries(config.targets)) {
      result.targets[name] = { ...(await resolveProfile(config, profile, `targets["${name}"]`, env)), ...overrides };
    }
  }
  return Object.assign(result, overrides);
}

/** The variables the CLI reads, prefixed ones first; empty values count as unset. */
function envOverrides(env: Record<string, string | undefined>, envPrefix: string | undefined): MtlsCredentials {
  const prefix = envPrefix === undefined ? undefined : normalizeEnvPrefix(envPrefix);
  const pick = (suffix: string, plain: string): string | undefined => {
    for (const name of [...(prefix ? [`${prefix}_${suffix}`] : []), plain]) {
      const value = env[name];
      if (value !== undefined && value !== '') return value;
    }
    return undefined;
  };
  const overrides: MtlsCredentials = {};
  const cert = pick('CERT', 'MTLS_CERT_PATH');
  const key = pick('KEY', 'MTLS_KEY_PATH');
  const ca = pick('CA', 'MTLS_CA_PATH');
  const passphrase = secretFromEnv(env, prefix);
  if (cert !== undefined) overrides.cert = cert;
  if (key !== undefined) overrides.key = key;
  if (ca !== undefined) overrides.ca = ca;
  if (passphrase) overrides.passphrase = passphrase.value;
  return overrides;
}

import type { InputFormat, Secret } from '../core/load/types.js';
import { normalizeEnvPrefix, secretFromEnv } from '../core/load/secret.js';
import { loadConfigFile, resolveProfile, targetProfile, type CredentialProfile } from './file.js';

/** Credential flags as every command spells them (curl's names). */
export interface CredentialFlags {
  cert?: string;
  key?: string;
  cacert?: string;
  ca?: string;
  certType?: InputFormat;
  pass?: string;
  envPrefix?: string;
  config?: string;
}

/** A credential value and where it came from: '--cert', 'env:MTLS_CERT_PATH', 'config targets["api"]'. */
export interface Setting {
  value: string;
  from: string;
}

export interface ResolvedCredentials {
  cert?: Setting;
  key?: Setting;
  ca?: Setting;
  certType?: InputFormat;
  /** The --pass SPEC still to be resolved (it may read a file or stdin), or a secret from env/config. */
  passSpec?: Setting;
  passphrase?: Secret;
  servername?: string;
  configPath?: string;
  configTarget?: string;
  /** The config file was ./mtls.config.json, picked up because it was there (no --config). */
  configImplicit?: boolean;
  /** What the config file decided, by field name and place (never values): 'ca from "mtls"'. */
  configSettings?: string[];
}

export interface ResolveEnv {
  env: Record<string, string | undefined>;
  cwd: string;
}

/**
 * Precedence, per setting: flags, then PREFIX_* env (with --env-prefix), then MTLS_* env, then
 * the config file's matching target, then its defaults.
 */
export async function resolveCredentials(flags: CredentialFlags, where: ResolveEnv, target?: string): Promise<ResolvedCredentials> {
  const { env } = where;
  const prefix = flags.envPrefix === undefined ? undefined : normalizeEnvPrefix(flags.envPrefix);
  const config = await loadConfigFile(flags.config, where.cwd);
  const matched = config ? targetProfile(config, target) : null;
  const layers: { from: string; where: string; profile: CredentialProfile }[] = [];
  if (config && matched) {
    const where = `targets["${matched.key}"]`;
    layers.push({ from: `config ${config.path} ${where}`, where, profile: await resolveProfile(config, matched.profile, where, env) });
  }
  if (config) {
    const defaults = await resolveProfile(config, config.defaults, 'mtls', env);
    // A target that says clientCertificate: false takes no identity from the defaults.
    if (matched?.profile.clientCertificate === false) {
      delete defaults.cert;
      delete defaults.key;
      delete defaults.passphrase;
      delete defaults.certType;
    }
    layers.push({ from: `config ${config.path} "mtls"`, where: '"mtls"', profile: defaults });
  }
  const fromConfig: string[] = [];
  const used = (field: string, layer: { where: string }) => fromConfig.push(`${field} from ${layer.where}`);

  const pick = (flag: string | undefined, flagName: string, suffix: 'CERT' | 'KEY' | 'CA', mtlsName: string, field: 'cert' | 'key' | 'ca'): Setting | undefined => {
    if (flag !== undefined) return { value: flag, from: flagName };
    const prefixed = prefix ? env[`${prefix}_${suffix}`] : undefined;
    if (prefix && prefixed !== undefined && prefixed !== '') return { value: prefixed, from: `env:${prefix}_${suffix}` };
    const plain = env[mtlsName];
    if (plain !== undefined && plain !== '') return { value: plain, from: `env:${mtlsName}` };
    for (const layer of layers) {
      const value = layer.profile[field];
      if (value !== undefined) {
        used(field, layer);
        return { value, from: `${layer.from}.${field}` };
      }
    }
    return undefined;
  };

  const resolved: ResolvedCredentials = {};
  const cert = pick(flags.cert, '--cert', 'CERT', 'MTLS_CERT_PATH', 'cert');
  const key = pick(flags.key, '--key', 'KEY', 'MTLS_KEY_PATH', 'key');
  const ca = pick(flags.cacert ?? flags.ca, flags.cacert ? '--cacert' : '--ca', 'CA', 'MTLS_CA_PATH', 'ca');
  if (cert) resolved.cert = cert;
  if (key) resolved.key = key;
  if (ca) resolved.ca = ca;
  const certTypeLayer = flags.certType ? undefined : layers.find((l) => l.profile.certType);
  if (certTypeLayer) used('certType', certTypeLayer);
  const certType = flags.certType ?? certTypeLayer?.profile.certType;
  if (certType) resolved.certType = certType;
  const servernameLayer = layers.find((l) => l.profile.servername);
  if (servernameLayer) used('servername', servernameLayer);
  const servername = servernameLayer?.profile.servername;
  if (servername) resolved.servername = servername;

  if (flags.pass !== undefined) resolved.passSpec = { value: flags.pass, from: '--pass' };
  else {
    const fromEnv = secretFromEnv(env, prefix);
    const layer = layers.find((l) => l.profile.passphrase !== undefined);
    if (fromEnv) resolved.passphrase = fromEnv;
    else if (layer?.profile.passphrase !== undefined) {
      used('passphrase', layer);
      resolved.passphrase = { origin: `${layer.from}.passphrase`, value: layer.profile.passphrase };
    }
  }
  if (config) {
    resolved.configPath = config.path;
    resolved.configImplicit = flags.config === undefined;
    resolved.configSettings = fromConfig;
  }
  if (matched) resolved.configTarget = matched.key;
  return resolved;
}

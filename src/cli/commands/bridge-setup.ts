import { isIP } from 'node:net';
import type { BridgeRoute } from '../../bridge/index.js';
import { normalizePrefix } from '../../bridge/index.js';
import { loadConfigFile, normalizeTargetKey, type ConfigFile } from '../../config/file.js';
import { resolveCredentials, type CredentialFlags, type Setting } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { loadCredentials, type Identity } from '../../core/load/identity.js';
import type { Secret } from '../../core/load/types.js';
import type { MtlsCredentials } from '../../lib/options.js';
import { MtlsSecret } from '../../lib/secret.js';
import type { Context } from '../context.js';
import { noteConfigUse, onceStdin, resolvePassphrase, warnIfKeyOnCommandLine } from '../credentials.js';

/**
 * `--to URL` and `--route /prefix=URL|TARGET[/path]` as routes. A TARGET is a key of
 * mtls.config.json's `targets` (an origin, host:port or host), so `--route /llm=llm.corp/v1`
 * reuses the file's credentials for that host. Upstreams are https:// only: a bridge that sent
 * plain HTTP would add no certificate and protect nothing.
 */
export async function parseRoutes(to: string | undefined, routes: string[], configFlag: string | undefined, cwd: string): Promise<BridgeRoute[]> {
  if (to === undefined && routes.length === 0) {
    throw new MtlsError('MTLS_USAGE', 'mtls bridge needs an upstream: --to URL or one or more --route /PREFIX=URL.', {
      fixes: ['Example: `mtls bridge --to https://api.internal:8443 --cert client.crt --key client.key --cacert ca.crt`.'],
    });
  }
  const config = await loadConfigFile(configFlag, cwd);
  const result: BridgeRoute[] = [];
  const add = (prefix: string, given: string, flag: string) => {
    const normalized = normalizePrefix(prefix);
    if (/[?#\s]/.test(normalized)) throw new MtlsError('MTLS_USAGE', `${flag}: the prefix "${prefix}" may hold only path characters.`);
    if (result.some((route) => route.prefix === normalized)) throw new MtlsError('MTLS_USAGE', `${flag}: the prefix ${normalized} is given twice.`);
    result.push({ prefix: normalized, upstream: upstreamUrl(given, config, flag), given });
  };
  for (const route of routes) {
    const at = route.indexOf('=');
    if (at < 0) throw new MtlsError('MTLS_USAGE', `--route takes /PREFIX=URL, got "${route}".`, { fixes: ['Example: `--route /openai=https://llm.corp/v1 --route /mcp=https://mcp.corp`.'] });
    add(route.slice(0, at), route.slice(at + 1), '--route');
  }
  if (to !== undefined) add('/', to, '--to');
  return result;
}

function upstreamUrl(given: string, config: ConfigFile | null, flag: string): URL {
  const value = given.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new MtlsError('MTLS_USAGE', `${flag}: "${value}" is not a valid URL.`);
    }
    if (url.protocol !== 'https:') throw new MtlsError('MTLS_USAGE', `${flag}: the upstream must be https:// (the bridge adds a client certificate over TLS), got ${url.protocol}//.`);
    if (url.username || url.password) throw new MtlsError('MTLS_USAGE', `${flag}: put no user or password in the upstream URL; the client sends its own Authorization header through the bridge.`);
    url.search = '';
    url.hash = '';
    return url;
  }
  // TARGET or TARGET/base/path: a key of the config file's targets.
  const slash = value.indexOf('/');
  const name = slash < 0 ? value : value.slice(0, slash);
  const basePath = slash < 0 ? '' : value.slice(slash);
  const key = normalizeTargetKey(name);
  if (!config || !Object.hasOwn(config.targets, key)) {
    throw new MtlsError('MTLS_USAGE', `${flag}: "${value}" is neither an https:// URL nor a target of ${config ? config.path : 'mtls.config.json (none found)'}.`, {
      fixes: ['Give a URL (`https://host:port/path`), or a key of the config file\'s "targets" (an origin, host:port or host).'],
    });
  }
  if (key.startsWith('*.')) throw new MtlsError('MTLS_USAGE', `${flag}: the target "${name}" is a wildcard and names no host to connect to; give the URL.`);
  const origin = key.startsWith('https://') ? key : `https://${isIP(key) === 6 ? `[${key}]` : key}`;
  return new URL(`${origin}${basePath}`);
}

export interface RouteCredentials {
  /** The library's options for this upstream's target (paths stay paths, so rotation re-reads them). */
  credentials: MtlsCredentials;
  identity: Identity | null;
}

/**
 * The credentials of one upstream, by the CLI's precedence (flags, PREFIX_* env, MTLS_* env, the
 * config target, its defaults), loaded once through the shared loader so a bad file fails at
 * start with the CLI's wording. `stdin` holds what `-` read; `pass` the resolved --pass.
 */
export async function routeCredentials(flags: CredentialFlags, ctx: Context, upstream: URL, stdin: Buffer | null, pass: Secret | undefined): Promise<RouteCredentials> {
  const { pass: _spec, ...rest } = flags;
  const resolved = await resolveCredentials(rest, { env: ctx.io.env, cwd: ctx.io.cwd }, upstream.origin);
  noteConfigUse(resolved, ctx, false, 'trust');
  const passphrase = pass ?? (await resolvePassphrase(resolved, ctx));
  const stdinOnce = stdin ? () => Promise.resolve(stdin) : onceStdin(ctx);
  const loaded = await loadCredentials({
    ...(resolved.cert ? { cert: resolved.cert } : {}),
    ...(resolved.key ? { key: resolved.key } : {}),
    ...(resolved.ca ? { ca: resolved.ca } : {}),
    ...(resolved.certType ? { certType: resolved.certType } : {}),
    ...(passphrase ? { passphrase } : {}),
    cwd: ctx.io.cwd,
    readStdin: stdinOnce,
  });
  if (loaded.identity) {
    const { keySource, certSource } = loaded.identity;
    const from = keySource === certSource ? resolved.cert?.from : resolved.key?.from;
    if (from) warnIfKeyOnCommandLine(keySource, from, ctx);
  }
  const value = (setting: Setting): string | Buffer => (setting.value === '-' && stdin ? stdin : setting.value);
  const credentials: MtlsCredentials = {};
  if (resolved.cert) credentials.cert = keepSecret(value(resolved.cert), 'cert');
  if (resolved.key) credentials.key = keepSecret(value(resolved.key), 'key');
  if (resolved.ca) credentials.ca = value(resolved.ca);
  if (resolved.certType) credentials.certType = resolved.certType;
  if (resolved.servername) credentials.servername = resolved.servername;
  if (passphrase) credentials.passphrase = new MtlsSecret(passphrase.value, passphrase.origin);
  return { credentials, identity: loaded.identity };
}

/** Text that is a key (not the name of its file) stays wrapped, so no log of the options shows it. */
function keepSecret(value: string | Buffer, field: string): string | Buffer | MtlsSecret {
  if (typeof value !== 'string') return value;
  if (value.includes('-----BEGIN') || value.includes('\n') || value.length > 512) return new MtlsSecret(value, `--${field}`);
  return value;
}

/** Whether a flag (or its environment fallback) reads standard input. */
export function readsStdin(flags: CredentialFlags): boolean {
  return [flags.cert, flags.key, flags.cacert, flags.ca].includes('-');
}

/** `HOST:PORT`, `[::1]:PORT`, `:PORT` or `PORT` (host 127.0.0.1). */
export function parseListen(value: string): { host: string; port: number } {
  if (/^\d+$/.test(value.trim())) return { host: '127.0.0.1', port: checkPort(Number(value), value) };
  const match = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new MtlsError('MTLS_USAGE', `--listen takes HOST:PORT (port 0 picks a free one), got "${value}".`, { fixes: ['Example: `--listen 127.0.0.1:8080`.'] });
  }
  const host = match[1] ?? (match[2] || '127.0.0.1');
  return { host, port };
}

function checkPort(port: number, value: string): number {
  if (port > 65535) throw new MtlsError('MTLS_USAGE', `--listen takes HOST:PORT (port 0 picks a free one), got "${value}".`);
  return port;
}

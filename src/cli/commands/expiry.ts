import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import type { KeyObject } from 'node:crypto';
import type { Context } from '../context.js';
import { MtlsError } from '../../core/errors.js';
import { scanExpiry, type ExpiryTarget } from '../../core/expiry/scan.js';
import { parseThreshold } from '../../core/time/duration.js';
import { notAnEndpoint } from '../url.js';
import { renderExpiry } from '../../render/expiry.js';
import { outputWidth } from '../../render/wrap.js';
import { toJsonDocument } from '../../render/json.js';

interface ExpiryOptions {
  warn: string;
  fail: string;
  pass?: string;
  cert?: string;
  key?: string;
  format?: 'text' | 'json' | 'prometheus' | 'csv';
  concurrency: number;
  connectTimeout: number;
  json?: boolean;
}

const expiry: CommandAction<ExpiryOptions> = async (args, options, ctx) => {
  const thresholds = { warn: parseThreshold(options.warn, '--warn'), fail: parseThreshold(options.fail, '--fail') };
  if (ctx.json && options.format && options.format !== 'json') throw new MtlsError('MTLS_USAGE', `--json and --format ${options.format} ask for two outputs; give one.`);
  const format = ctx.json ? 'json' : (options.format ?? 'text');
  if (options.key && !options.cert) throw new MtlsError('MTLS_USAGE', '--key needs --cert: the client certificate to present to endpoints.');
  const password = await pkcs12Password(options, ctx);
  // A path on disk wins over reading the same text as host:port. The endpoint code (and node:tls,
  // which costs milliseconds to load) is imported only when some target is not on disk.
  const missing = args.filter((value) => !existsSync(resolve(ctx.io.cwd, value)));
  const { parseEndpoint } = missing.length > 0 ? await import('../../tls/endpoint.js') : { parseEndpoint: () => null };
  // An endpoint is named by its label: the URL less any credentials, which a TLS check never uses.
  const targets: ExpiryTarget[] = args.map((value) => {
    const endpoint = missing.includes(value) ? parseEndpoint(value) ?? parseEndpoint(value.replace(/^([^/]+:\d{1,5})\/$/, '$1')) : null;
    // host:port/ (copied from a URL): the endpoint host:port, said so once.
    if (endpoint && endpoint.label !== value && !/^https:/i.test(value)) ctx.note(`note: reading ${endpoint.label}/ as the endpoint ${endpoint.label}.`);
    if (endpoint) return { kind: 'endpoint', value: endpoint.label };
    const refused = missing.includes(value) ? notAnEndpoint(value, 'expiry') : null;
    if (refused) throw refused;
    return { kind: 'path', value };
  });
  const client = options.cert ? await clientIdentity(options, password, ctx) : undefined;
  const now = new Date();
  const spinner = await ctx.spinner('Reading certificates…');
  try {
    const report = await scanExpiry(targets, {
      now,
      thresholds,
      cwd: ctx.io.cwd,
      ...(password !== undefined ? { password } : {}),
      concurrency: Math.max(1, options.concurrency),
      ...(client ? { clientCertificates: client.certificates } : {}),
      readChain: async (value) => {
        const endpoint = (await import('../../tls/endpoint.js')).parseEndpoint(value);
        if (!endpoint) return { ok: false, code: 'MTLS_USAGE', reason: `${value} is not host:port or an https:// URL` };
        const { fetchPresentedChain } = await import('../../tls/peer-chain.js');
        return fetchPresentedChain(endpoint, options.connectTimeout * 1000, client);
      },
      onProgress: (p) => spinner.update(`${p.certificates} certificates from ${p.files} files, ${p.endpoints} endpoints…`),
    });
    spinner.stop();
    if (format === 'json') ctx.print(toJsonDocument('expiry', { ...report }));
    else if (format === 'prometheus') ctx.io.stdout.write((await import('../../render/expiry-prometheus.js')).renderExpiryPrometheus(report));
    else if (format === 'csv') ctx.io.stdout.write((await import('../../render/expiry-csv.js')).renderExpiryCsv(report));
    else ctx.print(renderExpiry(report, ctx.out, now, outputWidth(ctx.io.stdout as { isTTY?: boolean; columns?: number })));
    // Machine formats keep stdout to the format; the warnings a person must see go to stderr too.
    if (format === 'prometheus' || format === 'csv') for (const w of report.warnings) ctx.warn(`${w.name} (${w.source}): ${w.warning}`);
    return report.ok ? 0 : 1;
  } catch (error) {
    spinner.stop();
    throw error;
  }
};

/** --cert/--key: the client identity presented to endpoints (and reported as origin 'client'). */
async function clientIdentity(options: ExpiryOptions, password: string | undefined, ctx: Context): Promise<{ certificates: Buffer[]; key: KeyObject }> {
  const { loadCredentials } = await import('../../core/load/identity.js');
  const { onceStdin } = await import('../credentials.js');
  const { identity } = await loadCredentials({
    cert: { value: options.cert as string, from: '--cert' },
    ...(options.key ? { key: { value: options.key, from: '--key' } } : {}),
    ...(password !== undefined ? { passphrase: { origin: '--pass', value: password } } : {}),
    cwd: ctx.io.cwd,
    readStdin: onceStdin(ctx),
  });
  if (!identity) throw new MtlsError('MTLS_USAGE', '--cert gave no client identity.');
  return { certificates: identity.certificates.map((c) => c.der), key: identity.key.key };
}

/**
 * The PKCS#12 password from --pass or the environment. The credential modules (and the PKCS#12
 * and ASN.1 code they pull in) load only when a password is given: a plain scan of many files
 * should cost little more than Node's start-up.
 */
async function pkcs12Password(options: ExpiryOptions, ctx: Context): Promise<string | undefined> {
  if (options.pass === undefined && !Object.keys(ctx.io.env).some((name) => name.endsWith('KEY_PASSPHRASE'))) return undefined;
  const { resolveCredentials } = await import('../../config/resolve.js');
  const { resolvePassphrase } = await import('../credentials.js');
  const resolved = await resolveCredentials({ ...(options.pass ? { pass: options.pass } : {}) }, { env: ctx.io.env, cwd: ctx.io.cwd });
  return (await resolvePassphrase(resolved, ctx))?.value;
}

export default expiry;

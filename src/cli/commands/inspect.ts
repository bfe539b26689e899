import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { loadCliCredentials, onceStdin, resolvePassphrase, warnIfKeyOnCommandLine } from '../credentials.js';
import { resolveCredentials, type CredentialFlags } from '../../config/resolve.js';
import { loadCredential } from '../../core/load/load.js';
import type { InputFormat, LoadedSource, Secret } from '../../core/load/types.js';
import { reportSource, type SourceReport } from '../../core/inspect/report.js';
import type { Endpoint } from '../../tls/endpoint.js';
import { MtlsError } from '../../core/errors.js';
import { notAnEndpoint } from '../url.js';
import { renderSourceReport } from '../../render/inspect.js';
import { toJsonDocument } from '../../render/json.js';

interface InspectOptions extends CredentialFlags {
  servername?: string;
  connectTimeout: number;
  json?: boolean;
}

const inspect: CommandAction<InspectOptions> = async (args, options, ctx) => {
  const now = new Date();
  const resolved = await resolveCredentials(options, { env: ctx.io.env, cwd: ctx.io.cwd });
  const passphrase = await resolvePassphrase(resolved, ctx);
  const given = args.length > 0 ? args.map((value) => ({ value, from: 'an argument', secret: false })) : [resolved.cert, resolved.key, resolved.ca].flatMap((s) => (s ? [{ ...s, secret: s === resolved.key }] : []));
  if (given.length === 0) {
    throw new MtlsError('MTLS_USAGE', 'Nothing to inspect: give a file, host:port or URL.', {
      fixes: ['`mtls inspect server.crt`, `mtls inspect example.com:443`, or set MTLS_CERT_PATH.'],
    });
  }
  const reports: SourceReport[] = [];
  for (const source of given) {
    // The endpoint code (and node:tls, slow to load) only for what is not a file.
    const endpoint = existsSync(resolve(ctx.io.cwd, source.value)) ? null : (await import('../../tls/endpoint.js')).parseEndpoint(source.value);
    if (!endpoint && !existsSync(resolve(ctx.io.cwd, source.value))) {
      const refused = notAnEndpoint(source.value, 'inspect');
      if (refused) throw refused;
    }
    reports.push(endpoint ? await inspectEndpoint(endpoint, options, ctx, now) : await inspectInput(source, options.certType, passphrase, ctx, now));
  }
  if (ctx.json) ctx.print(toJsonDocument('inspect', { sources: reports }));
  else ctx.print(reports.map((r) => renderSourceReport(r, ctx.out, now)).join('\n'));
  return 0;
};

async function inspectInput(source: { value: string; from: string; secret: boolean }, format: InputFormat | undefined, passphrase: Secret | undefined, ctx: Context, now: Date): Promise<SourceReport> {
  const loaded = await loadCredential(source.value, {
    ...(format ? { format } : {}),
    ...(passphrase ? { passphrase } : {}),
    decrypt: 'optional',
    cwd: ctx.io.cwd,
    readStdin: onceStdin(ctx),
    // Arguments are named by what they are; a value from a flag, variable or config by where it came from.
    ...(source.from === 'an argument' ? {} : { label: source.from }),
    ...(source.secret ? { secret: true } : {}),
  });
  warnIfKeyOnCommandLine(loaded, source.from, ctx);
  return reportSource(loaded, now);
}

async function inspectEndpoint(endpoint: Endpoint, options: InspectOptions, ctx: Context, now: Date): Promise<SourceReport> {
  const { identity } = options.cert ? await loadCliCredentials({ ...options, cacert: undefined, ca: undefined }, ctx, undefined, { caUse: 'none' }) : { identity: null };
  const { fetchPeerChain } = await import('../../tls/endpoint.js');
  const { parseCertificate } = await import('../../core/certificate/parse.js');
  const spinner = await ctx.spinner(`Connecting to ${endpoint.label}…`);
  try {
    const chain = await fetchPeerChain(endpoint, {
      timeoutMs: options.connectTimeout * 1000,
      ...(options.servername ? { servername: options.servername } : {}),
      ...(identity ? { clientCertificates: identity.certificates.map((c) => c.der), clientKey: identity.key.key } : {}),
    });
    spinner.stop();
    const loaded: LoadedSource = {
      origin: endpoint.label,
      format: 'TLS endpoint',
      certificates: chain.certificates.map((der, i) => parseCertificate(der, `${endpoint.label} (certificate ${i + 1})`)),
      keys: [],
      lockedKeys: [],
      csrs: [],
      skipped: [],
      pkcs12: null,
    };
    const { certificates: _sent, ...connection } = chain;
    return { ...reportSource(loaded, now), connection };
  } catch (error) {
    spinner.stop();
    throw error;
  }
}

export default inspect;

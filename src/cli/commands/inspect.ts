import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
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
import { notAnEndpoint, usage } from '../url.js';
import { writeFileAtomic } from '../../core/fs/write.js';
import { renderSourceReport } from '../../render/inspect.js';
import { toJsonDocument } from '../../render/json.js';

interface InspectOptions extends CredentialFlags {
  servername?: string;
  connectTimeout: number;
  json?: boolean;
  out?: string;
  force?: boolean;
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
  if (options.out !== undefined && (given.length !== 1 || !(await import('../../tls/endpoint.js')).parseEndpoint(given[0]?.value ?? '') || existsSync(resolve(ctx.io.cwd, given[0]?.value ?? '')))) {
    throw usage('--out saves the chain a live endpoint presents: give one host:port or https:// URL.', 'Example: `mtls inspect api.internal:8443 --out api-chain.pem`.');
  }
  const reports: SourceReport[] = [];
  const chains: Buffer[][] = [];
  for (const source of given) {
    // The endpoint code (and node:tls, slow to load) only for what is not a file.
    const endpoint = existsSync(resolve(ctx.io.cwd, source.value)) ? null : (await import('../../tls/endpoint.js')).parseEndpoint(source.value);
    if (!endpoint && !existsSync(resolve(ctx.io.cwd, source.value))) {
      const refused = notAnEndpoint(source.value, 'inspect');
      if (refused) throw refused;
    }
    reports.push(endpoint ? await inspectEndpoint(endpoint, options, ctx, now, chains) : await inspectInput(source, options.certType, passphrase, ctx, now));
  }
  if (options.out !== undefined) {
    // Public certificates: 0644, as chain build writes them; atomic, never over a file without --force.
    const { toPem } = await import('../../core/load/pem.js');
    const pem = (chains[0] ?? []).map((der) => toPem('CERTIFICATE', der)).join('');
    await writeFileAtomic(resolve(ctx.io.cwd, options.out), pem, { mode: 0o644, force: options.force === true });
    ctx.note(`Wrote the ${(chains[0] ?? []).length} certificate(s) ${reports[0]?.source ?? 'the server'} presented to ${options.out}.`);
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

async function inspectEndpoint(endpoint: Endpoint, options: InspectOptions, ctx: Context, now: Date, chains: Buffer[][]): Promise<SourceReport> {
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
    // Node has no API for the CertificateRequest: a TLS 1.2 hello read up to ServerHelloDone says
    // whether the server asks for a client certificate and which CAs it names (as openssl s_client).
    const { probeServer } = await import('../../tls/probe/index.js');
    const probe = await probeServer({ host: endpoint.host, port: endpoint.port, servername: options.servername ?? (isIP(endpoint.host) ? null : endpoint.host), timeoutMs: options.connectTimeout * 1000 });
    spinner.stop();
    chains.push(chain.certificates);
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
    const clientCertificateRequest = { requested: probe.certificateRequested, acceptedCas: probe.acceptedCas, unknownReason: probe.certificateRequested === null ? (probe.reason ?? 'the probe got no answer') : null };
    return { ...reportSource(loaded, now), connection: { ...connection, clientCertificateRequest } };
  } catch (error) {
    spinner.stop();
    throw error;
  }
}

export default inspect;

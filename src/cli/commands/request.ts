import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { loadCliCredentials, onceStdin } from '../credentials.js';
import { parseHttpsUrl, usage } from '../url.js';
import type { CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { MAX_REQUEST_BODY_BYTES, readFileBounded } from '../../core/fs/read.js';
import { safeToQuote } from '../../core/load/quote.js';
import { writeOutputFile } from '../../core/fs/write.js';
import { performRequest, type RequestResult } from '../../tls/request.js';
import { proxyFor, type ProxyTlsOptions } from '../../tls/proxy.js';
import { loadCredential } from '../../core/load/load.js';
import { toPem } from '../../core/load/pem.js';
import { renderDiagnosis } from '../../render/diagnosis.js';
import { toJsonDocument } from '../../render/json.js';
import { renderResponseHead, renderVerbose, responseBodyForJson } from '../../render/request.js';
import { formatWriteOut } from '../../render/write-out.js';

interface RequestFlags extends CredentialFlags {
  request?: string;
  header?: string[];
  data?: string;
  dataJson?: string;
  output?: string;
  include?: boolean;
  verbose?: boolean;
  insecure?: boolean;
  servername?: string;
  resolve?: string[];
  connectTimeout?: number;
  maxTime?: number;
  fail?: boolean;
  proxy?: string;
  noproxy?: string;
  proxyCacert?: string;
  proxyInsecure?: boolean;
  json?: boolean;
  silent?: boolean;
  showError?: boolean;
  writeOut?: string;
}

function parseUrl(value: string): URL {
  return parseHttpsUrl(value, 'Give a full URL: `mtls request https://HOST:PORT/PATH`.', 'there is no client certificate to present');
}

function parseResolve(entries: string[]): { host: string; port: number; address: string }[] {
  return entries.map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+):(\d+):(.+)$/.exec(entry);
    if (!match) throw usage(`--resolve "${entry}" is not HOST:PORT:ADDRESS.`, 'Example: `--resolve api.internal:8443:10.0.0.7`.');
    const address = (match[3] as string).replace(/^\[|\]$/g, '');
    // As curl: the address must be an IP address, never a name that would need DNS after all.
    if (!isIP(address)) throw usage(`--resolve "${entry}": "${address}" is not an IP address.`, 'Example: `--resolve api.internal:8443:10.0.0.7` (or `[::1]` for IPv6).');
    return { host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]), address };
  });
}

/** RFC 9110 token: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * curl's -H "Name: value". A header often carries a token (Authorization, X-Api-Key), so an
 * error repeats at most its name, and only a name that is a valid one; never the value.
 */
function parseHeaders(values: string[]): [string, string][] {
  return values.map((header, index) => {
    const at = header.indexOf(':');
    const name = at > 0 ? header.slice(0, at).trim() : '';
    if (at <= 0 || !HEADER_NAME.test(name)) {
      const problem = at <= 0 ? 'has no ":" between a name and a value' : 'does not start with a valid header name';
      throw usage(`${headerForMessage(header, index)} ${problem}; it must be "Name: value".`, 'Example: `-H "Accept: application/json"`, `-H "Authorization: Bearer $TOKEN"`.');
    }
    const value = header.slice(at + 1).trim();
    // Node refuses these anyway, later and less clearly; a line break would split the request.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw usage(`-H "${name}: …": the value holds a control character (a line break?), which a header cannot carry.`, `Give the value on one line: \`-H "${name}: VALUE"\`.`);
    }
    return [name, value];
  });
}

/** `-H "Authorization …" (the 3rd -H, 28 characters)`: the first word only when it reads as a header name. */
function headerForMessage(header: string, index: number): string {
  const first = /^([^\s:]{1,64})[\s:]/.exec(header)?.[1];
  const which = `the ${ordinal(index + 1)} -H, ${header.length} characters`;
  return first && HEADER_NAME.test(first) && safeToQuote(first) ? `-H "${first} …" (${which})` : `-H (${which})`;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

async function readBody(flags: RequestFlags, ctx: Context): Promise<{ body?: Buffer; headers: [string, string][] }> {
  if (flags.data !== undefined && flags.dataJson !== undefined) throw usage('-d/--data and --data-json cannot both be given.', 'Give the body once.');
  if (flags.dataJson !== undefined) {
    const body = await dataValue(flags.dataJson, ctx);
    return { body, headers: [['content-type', 'application/json'], ['accept', 'application/json']] };
  }
  if (flags.data !== undefined) return { body: await dataValue(flags.data, ctx), headers: [['content-type', 'application/x-www-form-urlencoded']] };
  return { headers: [] };
}

/** curl's @FILE and @- forms; anything else is the body itself. */
async function dataValue(value: string, ctx: Context): Promise<Buffer> {
  if (value === '@-' || value === '@/dev/stdin') return onceStdin(ctx)();
  if (!value.startsWith('@')) return Buffer.from(value);
  const path = resolvePath(ctx.io.cwd, value.slice(1));
  // Capped, and read whole before sending (as curl's -d): a pipe (`-d @<(…)`) is read too.
  return readFileBounded(path, { limit: MAX_REQUEST_BODY_BYTES, allowPipe: true, label: `The request body file ${path}` });
}

const SILENT_SPINNER = { update: () => {}, succeed: () => {}, fail: () => {}, stop: () => {} };

/**
 * curl's -s: no notes, no progress, no error text; -S brings the error text back. The exit
 * code and the JSON document (with --json) never change. Warnings stay: they say verification
 * is off (--insecure) or a secret is exposed, which -s must not hide.
 */
const request: CommandAction<RequestFlags> = async (args, flags, given) => {
  const ctx: Context = flags.silent ? { ...given, note: () => {}, spinner: async () => SILENT_SPINNER } : given;
  const hideErrors = flags.silent === true && flags.showError !== true;
  try {
    return await requestOnce(args, flags, ctx, hideErrors);
  } catch (error) {
    if (!hideErrors || !(error instanceof MtlsError)) throw error;
    if (ctx.json) ctx.print(toJsonDocument('error', { ok: false, error: error.toDiagnosis() }));
    return error.exitCode;
  }
};

async function requestOnce(args: string[], flags: RequestFlags, ctx: Context, hideErrors: boolean): Promise<number> {
  if (flags.writeOut !== undefined && ctx.json) throw usage('-w/--write-out and --json both write to stdout.', 'Give one of them: the JSON document has the timings and the status.');
  const writeOut = flags.writeOut === undefined ? null : await writeOutFormat(flags.writeOut, ctx);
  const url = parseUrl(args[0] ?? '');
  const resolve = parseResolve(flags.resolve ?? []);
  const headers = parseHeaders(flags.header ?? []);
  const body = await readBody(flags, ctx);
  const userHeaderNames = new Set(headers.map(([name]) => name.toLowerCase()));
  // Credentials are loaded (and the key checked against the certificate) before any traffic.
  const { identity, ca, resolved } = await loadCliCredentials(flags, ctx, url.href, { verbose: flags.verbose === true });
  if (identity?.leafWasAt !== undefined) noteReordered({ identity, ca }, ctx);
  if (flags.insecure) {
    ctx.warn(ctx.err.red.bold('--insecure: the server certificate is NOT verified; anyone on the path can read and change this exchange. Never use it in production.'));
  }
  const servername = flags.servername ?? resolved.servername;
  // A proxy setting that cannot be used is refused here (exit 2), before any traffic.
  const proxy = proxyFor(url, ctx.io.env, { ...(flags.proxy !== undefined ? { proxy: flags.proxy } : {}), ...(flags.noproxy !== undefined ? { noProxy: flags.noproxy } : {}) });
  const proxyTls = await proxyTlsOptions(flags, proxy?.url ?? null, ctx);
  const spinner = await ctx.spinner(`Requesting ${url.host}…`);
  const result = await performRequest({
    url: url.href,
    ...(flags.request ? { method: flags.request.toUpperCase() } : {}),
    headers: [...body.headers.filter(([name]) => !userHeaderNames.has(name)), ...headers],
    ...(body.body ? { body: body.body } : {}),
    identity,
    ca: ca?.certificates ?? null,
    ...(ca ? { caFile: ca.source.origin } : {}),
    cwd: ctx.io.cwd,
    insecure: flags.insecure === true,
    ...(servername ? { servername } : {}),
    resolve,
    // curl's own connect limit is 300 s when none is given; never wait forever on a silent peer.
    connectTimeoutMs: Math.round((flags.connectTimeout ?? 300) * 1000),
    ...(flags.maxTime ? { maxTimeMs: Math.round(flags.maxTime * 1000) } : {}),
    proxy: proxy?.url ?? null,
    ...(proxyTls ? { proxyTls } : {}),
    probe: flags.verbose ? 'always' : 'on-failure',
    failOnHttpError: flags.fail === true,
  });
  spinner.stop();
  await output(result, flags, ctx, hideErrors);
  const exitCode = result.diagnosis ? result.diagnosis.exit : 0;
  if (writeOut !== null) {
    const { text, unknown } = formatWriteOut(writeOut, result, exitCode);
    for (const name of unknown) ctx.warn(`-w: unknown variable %{${name}} (see \`mtls request --help\`).`);
    ctx.io.stdout.write(text);
  }
  return exitCode;
}

/**
 * A --cert bundle with the leaf below its issuer: curl and nginx send (or serve) the file as it
 * is and fail; mtls sends the leaf first, which works, and says how to fix the file.
 */
function noteReordered(credentials: Pick<Awaited<ReturnType<typeof loadCliCredentials>>, 'identity' | 'ca'>, ctx: Context): void {
  const { identity, ca } = credentials;
  // A PKCS#12 has no order a TLS peer reads: curl and Java pick the key's certificate too.
  if (!identity || identity.certSource.format.includes('P12')) return;
  const names = identity.certificates.map((c, i) => `${i + 1}. "${c.facts.subject}"`).join(', ');
  const origin = identity.certSource.origin;
  ctx.note(
    `note: ${origin} has the leaf certificate in place ${(identity.leafWasAt ?? 0) + 1}, after its issuer(s), an order curl and nginx refuse; ` +
      `mtls sent it leaf first: ${names}. Fix the file: ${reorderFix(identity, ca)}.`,
  );
}

/**
 * `mtls chain build` writes a bundle in order, but only a complete chain: it runs as printed
 * when the bundle ends at a self-signed root or --cacert holds the last certificate's issuer.
 */
function reorderFix(identity: NonNullable<Awaited<ReturnType<typeof loadCliCredentials>>['identity']>, ca: Awaited<ReturnType<typeof loadCliCredentials>>['ca']): string {
  const plain = 'put the leaf certificate first, its issuers after it';
  const origin = identity.certSource.origin;
  const isPath = (text: string) => /^[\w./~+-]+$/.test(text);
  if (!isPath(origin)) return plain;
  const last = identity.certificates[identity.certificates.length - 1];
  const endsAtRoot = identity.certificates.some((c) => c.facts.selfSigned);
  const anchor = ca && last && ca.certificates.some((c) => c.facts.subject === last.facts.issuer) && isPath(ca.source.origin) ? ca.source.origin : null;
  if (!endsAtRoot && !anchor) return plain;
  const out = origin.replace(/(\.[a-z]+)?$/i, '-ordered$1');
  return `${plain} (\`mtls chain build ${origin}${anchor && !endsAtRoot ? ` --from ${anchor}` : ''} --out ${out}\` writes it so)`;
}

/** curl's -w @FILE and @-; anything else is the format itself. */
async function writeOutFormat(value: string, ctx: Context): Promise<string> {
  if (value === '@-') return (await onceStdin(ctx)()).toString('utf8');
  if (!value.startsWith('@')) return value;
  const path = resolvePath(ctx.io.cwd, value.slice(1));
  return (await readFileBounded(path, { limit: 64 * 1024, label: `The -w format file ${path}` })).toString('utf8');
}

/** --proxy-cacert and --proxy-insecure apply to an https:// proxy only; the origin keeps --cacert. */
async function proxyTlsOptions(flags: RequestFlags, proxy: URL | null, ctx: Context): Promise<ProxyTlsOptions | null> {
  if (proxy?.protocol === 'http:' && (proxy.username || proxy.password)) {
    ctx.warn('the proxy is http://, so its user and password cross the network in clear (as with curl); an https:// proxy keeps them encrypted.');
  }
  if (proxy?.protocol !== 'https:') return null;
  if (flags.proxyInsecure) {
    ctx.warn(ctx.err.red.bold('--proxy-insecure: the proxy certificate is NOT verified; the proxy credentials and the CONNECT line go to whoever answers. Never use it in production.'));
  }
  if (!flags.proxyCacert) return { insecure: flags.proxyInsecure === true };
  const source = await loadCredential(flags.proxyCacert, { cwd: ctx.io.cwd, readStdin: onceStdin(ctx), label: '--proxy-cacert', role: 'CA bundle' });
  if (source.certificates.length === 0) throw new MtlsError('MTLS_WRONG_CONTENT', `${source.origin} (--proxy-cacert) holds no CA certificate.`);
  return { insecure: flags.proxyInsecure === true, caPem: source.certificates.map((c) => toPem('CERTIFICATE', c.der)) };
}

async function output(result: RequestResult, flags: RequestFlags, ctx: Context, hideErrors: boolean): Promise<void> {
  const printBody = result.response !== null && (result.diagnosis === null || result.showBody === true);
  // curl overwrites an -o file; a folder or an unwritable place is MTLS_WRITE_FAILED (exit 2).
  // A response may carry secrets (tokens, keys): a new file is 0600, an existing one keeps its mode.
  if (flags.output && printBody && result.response) await writeOutputFile(resolvePath(ctx.io.cwd, flags.output), result.response.body, { mode: 0o600 });
  if (flags.verbose) ctx.io.stderr.write(renderVerbose(result, ctx.err));
  if (ctx.json) {
    ctx.print(
      toJsonDocument('request', {
        ok: result.ok,
        url: result.url,
        timings: result.timings,
        tls: result.tls,
        response: result.response ? { status: result.response.status, headers: result.response.headers, ...(flags.output ? { savedTo: flags.output } : responseBodyForJson(result.response.body)) } : null,
        diagnosis: result.diagnosis,
        ...(result.notice ? { notice: result.notice } : {}),
      }),
    );
  } else if (result.response) {
    if (flags.include) ctx.io.stdout.write(renderResponseHead(result.response));
    if (printBody && !flags.output) ctx.io.stdout.write(result.response.body.toString('utf8'));
  }
  if (result.diagnosis && !hideErrors) ctx.io.stderr.write(renderDiagnosis(result.diagnosis, ctx.err));
  // Exit 0 as curl without --fail, but the likely reason is said (issue 14, case 6).
  else if (result.notice && !hideErrors) ctx.io.stderr.write(renderDiagnosis(result.notice, ctx.err));
}

export default request;

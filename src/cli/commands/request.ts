import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import type { CommandAction } from '../action.js';
import type { Context } from '../context.js';
import { loadCliCredentials, onceStdin } from '../credentials.js';
import { parseHttpsUrl, usage } from '../url.js';
import type { CredentialFlags } from '../../config/resolve.js';
import { MtlsError } from '../../core/errors.js';
import { safeToQuote } from '../../core/load/quote.js';
import { writeOutputFile } from '../../core/fs/write.js';
import { performRequest, type RequestResult } from '../../tls/request.js';
import { proxyFor } from '../../tls/proxy.js';
import { renderDiagnosis } from '../../render/diagnosis.js';
import { toJsonDocument } from '../../render/json.js';
import { renderResponseHead, renderVerbose, responseBodyForJson } from '../../render/request.js';

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
  json?: boolean;
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
  if (value === '@-') return onceStdin(ctx)();
  if (!value.startsWith('@')) return Buffer.from(value);
  const path = resolvePath(ctx.io.cwd, value.slice(1));
  try {
    return await readFile(path);
  } catch {
    throw new MtlsError('MTLS_FILE_NOT_FOUND', `The request body file ${path} cannot be read.`);
  }
}

const request: CommandAction<RequestFlags> = async (args, flags, ctx) => {
  const url = parseUrl(args[0] ?? '');
  const resolve = parseResolve(flags.resolve ?? []);
  const headers = parseHeaders(flags.header ?? []);
  const body = await readBody(flags, ctx);
  const userHeaderNames = new Set(headers.map(([name]) => name.toLowerCase()));
  // Credentials are loaded (and the key checked against the certificate) before any traffic.
  const { identity, ca, resolved } = await loadCliCredentials(flags, ctx, url.href, { verbose: flags.verbose === true });
  if (flags.insecure) {
    ctx.warn(ctx.err.red.bold('--insecure: the server certificate is NOT verified; anyone on the path can read and change this exchange. Never use it in production.'));
  }
  const servername = flags.servername ?? resolved.servername;
  const proxy = proxyFor(url, ctx.io.env);
  const spinner = await ctx.spinner(`Requesting ${url.host}…`);
  const result = await performRequest({
    url: url.href,
    ...(flags.request ? { method: flags.request.toUpperCase() } : {}),
    headers: [...body.headers.filter(([name]) => !userHeaderNames.has(name)), ...headers],
    ...(body.body ? { body: body.body } : {}),
    identity,
    ca: ca?.certificates ?? null,
    insecure: flags.insecure === true,
    ...(servername ? { servername } : {}),
    resolve,
    // curl's own connect limit is 300 s when none is given; never wait forever on a silent peer.
    connectTimeoutMs: Math.round((flags.connectTimeout ?? 300) * 1000),
    ...(flags.maxTime ? { maxTimeMs: Math.round(flags.maxTime * 1000) } : {}),
    proxy,
    probe: flags.verbose ? 'always' : 'on-failure',
    failOnHttpError: flags.fail === true,
  });
  spinner.stop();
  await output(result, flags, ctx);
  return result.diagnosis ? result.diagnosis.exit : 0;
};

async function output(result: RequestResult, flags: RequestFlags, ctx: Context): Promise<void> {
  const printBody = result.response !== null && result.diagnosis === null;
  // curl overwrites an -o file; a folder or an unwritable place is MTLS_WRITE_FAILED (exit 2).
  if (flags.output && printBody && result.response) await writeOutputFile(resolvePath(ctx.io.cwd, flags.output), result.response.body);
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
      }),
    );
  } else if (result.response) {
    if (flags.include) ctx.io.stdout.write(renderResponseHead(result.response));
    if (printBody && !flags.output) ctx.io.stdout.write(result.response.body.toString('utf8'));
  }
  if (result.diagnosis) ctx.io.stderr.write(renderDiagnosis(result.diagnosis, ctx.err));
}

export default request;

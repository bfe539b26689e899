import type { RequestResult } from '../tls/request.js';

/**
 * curl's -w/--write-out: `%{name}` variables, `%header{name}`, `%%`, and the \n \r \t \\
 * escapes, over a finished request. Times are seconds with six decimals, as curl prints them
 * (0.000000 for a phase that was not reached); http_code is 000 when no response came.
 * Returns the text and the names of variables it does not know (curl warns about those).
 */
export function formatWriteOut(format: string, result: RequestResult, exitCode: number): { text: string; unknown: string[] } {
  const values = writeOutValues(result, exitCode);
  const unknown: string[] = [];
  const text = format.replace(/%%|%\{([a-z_]+)\}|%header\{([^}]+)\}|\\([nrt\\])/g, (match, name?: string, header?: string, escape?: string) => {
    if (match === '%%') return '%';
    if (escape) return ({ n: '\n', r: '\r', t: '\t', '\\': '\\' } as Record<string, string>)[escape] ?? match;
    if (header !== undefined) {
      const value = result.response?.headers[header.toLowerCase()];
      return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : value;
    }
    if (name === 'json') return JSON.stringify(values);
    if (name !== undefined && Object.hasOwn(values, name)) return String(values[name]);
    unknown.push(name ?? match);
    return '';
  });
  return { text, unknown };
}

function seconds(ms: number | null): string {
  return ((ms ?? 0) / 1000).toFixed(6);
}

/** OpenSSL's verify result numbers for the errors Node reports by text (curl's %{ssl_verify_result}). */
const VERIFY_RESULTS: [RegExp, number][] = [
  [/certificate has expired/i, 10],
  [/not yet valid/i, 9],
  [/self[- ]signed certificate in certificate chain/i, 19],
  [/self[- ]signed certificate/i, 18],
  [/unable to get local issuer certificate/i, 20],
  [/unable to verify the first certificate/i, 21],
  [/unable to get issuer certificate/i, 2],
  [/signature failure/i, 7],
  [/unsupported certificate purpose|invalid purpose/i, 26],
];

function verifyResult(result: RequestResult): number {
  // curl checks the host name apart from the chain: a name mismatch alone is result 0.
  const error = result.tls.serverVerificationError;
  if (!result.tls.version || !error || /hostname|altname|does not match/i.test(error)) return 0;
  return VERIFY_RESULTS.find(([pattern]) => pattern.test(error))?.[1] ?? 1;
}

function remotePort(result: RequestResult): string {
  const through = result.tls.proxy ? safeUrl(result.tls.proxy) : null;
  const target = through ?? safeUrl(result.url);
  if (!target) return '';
  return target.port || (target.protocol === 'http:' ? '80' : '443');
}

function safeUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

export function writeOutValues(result: RequestResult, exitCode: number): Record<string, string | number> {
  const { timings, response } = result;
  const contentType = response?.headers['content-type'];
  const status = response ? String(response.status).padStart(3, '0') : '000';
  return {
    http_code: status,
    response_code: status,
    http_version: response ? response.httpVersion : '0',
    method: result.request.method,
    time_namelookup: seconds(timings.dnsMs),
    time_connect: seconds(timings.tcpMs),
    time_appconnect: seconds(timings.tlsMs),
    time_pretransfer: seconds(timings.tlsMs),
    time_starttransfer: seconds(timings.firstByteMs),
    time_total: seconds(timings.totalMs),
    size_download: response ? response.body.length : 0,
    url: result.url,
    url_effective: result.url,
    remote_ip: result.tls.address ?? '',
    remote_port: result.tls.address ? remotePort(result) : '',
    ssl_verify_result: verifyResult(result),
    content_type: contentType === undefined ? '' : Array.isArray(contentType) ? (contentType[0] ?? '') : contentType,
    // mtls follows no redirects (as curl without -L).
    num_redirects: 0,
    exitcode: exitCode,
    errormsg: result.diagnosis ? result.diagnosis.summary : '',
  };
}

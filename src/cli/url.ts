import { MtlsError } from '../core/errors.js';
import { redactUrl, redactUrlsIn } from '../core/text/redact-url.js';

/** An invalid invocation: exit 2, with the one fix that makes it valid. */
export function usage(summary: string, fix: string): MtlsError {
  return new MtlsError('MTLS_USAGE', summary, { fixes: [fix] });
}

/**
 * The https:// URL a network command works on; a bare HOST[:PORT] is taken as https://, as curl
 * does. `example` is the fix for a value that is no URL, `noTls` says what an http:// URL lacks.
 */
export function parseHttpsUrl(value: string, example: string, noTls: string): URL {
  let url: URL;
  try {
    url = new URL(value.includes('://') ? value : `https://${value}`);
  } catch {
    // Shown as given, less any user:password@ (read as a URL even without its scheme, as parsed above).
    const shown = redactUrlsIn(value.includes('://') ? redactUrl(value) : redactUrl(`https://${value}`).slice('https://'.length));
    throw usage(`"${shown}" is not a URL.`, example);
  }
  if (url.protocol !== 'https:') throw usage(`${url.protocol}// has no TLS, so ${noTls}.`, 'Use an https:// URL.');
  return url;
}

/**
 * A URL-shaped argument that names no endpoint (another scheme, an invalid port): refused as
 * such, so it is not read as a file name and echoed whole with any credentials in it.
 */
export function notAnEndpoint(value: string, command: string): MtlsError | null {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  return usage(`"${redactUrl(value)}" is not a file, HOST:PORT or https:// URL that mtls can connect to.`, `Give a file, \`mtls ${command} HOST:PORT\` or \`mtls ${command} https://HOST:PORT/\`.`);
}

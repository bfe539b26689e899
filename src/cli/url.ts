import { MtlsError } from '../core/errors.js';

/** An invalid invocation: exit 2, with the one fix that makes it valid. */
export function usage(summary: string, fix: string): MtlsError {
  return new MtlsError('MTLS_USAGE', summary, { fixes: [fix] });
}

/** The argument as it may be echoed: "user:password@" is dropped, so a password is never printed. */
function withoutUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1');
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
    throw usage(`"${withoutUserinfo(value)}" is not a URL.`, example);
  }
  if (url.protocol !== 'https:') throw usage(`${url.protocol}// has no TLS, so ${noTls}.`, 'Use an https:// URL.');
  return url;
}

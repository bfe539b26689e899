/**
 * URL credentials as they may be shown: `https://user:***@host/` (with a password, the user name
 * is only a name) and `https://***@host/` (a user name alone is often a token, as in
 * https://TOKEN@host). The one redaction every message, log and JSON document uses, for URLs
 * given to commands, config targets and proxy URLs alike. Only the userinfo part: query strings
 * stay as given, as curl shows them.
 *
 * A string is one URL as the user wrote it (an argument, a config key, HTTPS_PROXY): its userinfo
 * runs from "://" to the last "@" before the host's end (/, ?, #, \), as the WHATWG URL parser
 * reads it, spaces included. A string that does not parse as a URL, or has no scheme but a
 * `user:password@` shape, loses everything up to its last "@".
 */
export function redactUrl(value: URL | string): string {
  const text = typeof value === 'string' ? value : value.href;
  if (!text.includes('@')) return text;
  // A value without "://" (a proxy written `user:pw@host:3128`) or that does not parse may hide a password holding "/" or "@" (`http://u:pa/ss@[::1`):
  // drop everything from the scheme to the last "@", so no part of it is ever shown.
  if (typeof value === 'string' && (text.includes('://') ? !URL.canParse(text) : SCHEMELESS_USERINFO.test(text))) {
    return text.replace(UNPARSEABLE, '$1***@');
  }
  return text.replace(ONE_URL, redactUserinfo);
}

/** Every scheme://userinfo@ inside free text (an error message that quotes a URL). */
export function redactUrlsIn(text: string): string {
  return text.includes('@') ? text.replace(URLS_IN_TEXT, redactUserinfo) : text;
}

const UNPARSEABLE = /^([a-z][a-z0-9+.-]*:\/\/)?[^]*@/i;
/** `user:pw@host:3128` (a proxy without its scheme); not `alice@example.com.pem` (a file name). */
const SCHEMELESS_USERINFO = /^[^@/]*:[^]*@/;
const ONE_URL = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\\]*)@/i;
const URLS_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#\\]*)@/gi;

function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // user:password → user:***; :password → :***; a name alone (a token), or "TOKEN:" → ***.
  return colon >= 0 && colon < userinfo.length - 1 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
}

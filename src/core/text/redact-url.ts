/**
 * URL credentials as they may be shown: `https://user:***@host/` (with a password, the user name
 * is only a name) and `https://***@host/` (a user name alone is often a token, as in
 * https://TOKEN@host). The one redaction every message, log and JSON document uses, for URLs
 * given to commands, config targets and proxy URLs alike. Only the userinfo part: query strings
 * stay as given, as curl shows them.
 *
 * A string is one URL as the user wrote it (an argument, a config key, HTTPS_PROXY): its userinfo
 * runs from "://" to the last "@" before the host's end (/, ?, #, \), as the WHATWG URL parser
 * reads it, spaces included. A string without a scheme is returned as it is.
 */
export function redactUrl(value: URL | string): string {
  const text = typeof value === 'string' ? value : value.href;
  return text.includes('@') ? text.replace(ONE_URL, redactUserinfo) : text;
}

/** Every scheme://userinfo@ inside free text (an error message that quotes a URL). */
export function redactUrlsIn(text: string): string {
  return text.includes('@') ? text.replace(URLS_IN_TEXT, redactUserinfo) : text;
}

const ONE_URL = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#\\]*)@/i;
const URLS_IN_TEXT = /([a-z][a-z0-9+.-]*:\/\/)([^\s/?#\\]*)@/gi;

function redactUserinfo(_match: string, scheme: string, userinfo: string): string {
  const colon = userinfo.indexOf(':');
  // user:password → user:***; :password → :***; a name alone (a token), or "TOKEN:" → ***.
  return colon >= 0 && colon < userinfo.length - 1 ? `${scheme}${userinfo.slice(0, colon)}:***@` : `${scheme}***@`;
}

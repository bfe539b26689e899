/**
 * A certificate name as nginx's $ssl_client_s_dn and Envoy's XFCC Subject show it: RFC 2253
 * (OpenSSL's XN_FLAG_RFC2253: the last RDN first, "," between RDNs, "+" inside a multi-valued
 * one, bytes beyond ASCII as \XX), so an app moved from nginx or Envoy compares the same strings.
 *
 * Built from Node's X509Certificate.subject/issuer, which OpenSSL printed with RFC 2253 escaping
 * already ("C=US\nO=Example\nOU=a + CN=b", values escaped with \ for , + " \ < > ; and controls
 * as \XX): only the order, the separators and the non-ASCII bytes change. No library turns a
 * Node name into this form, and a full ASN.1 parse per connection would cost more than the rest.
 */
export function rfc2253Name(nodeName: string | undefined): string {
  if (!nodeName) return '';
  const attributes: { rdn: number; text: string }[] = [];
  nodeName.split('\n').forEach((line, rdn) => {
    for (const text of splitMultiValued(line)) if (text.length > 0) attributes.push({ rdn, text });
  });
  attributes.reverse();
  let out = '';
  attributes.forEach((attribute, i) => {
    if (i > 0) out += attributes[i - 1]?.rdn === attribute.rdn ? '+' : ',';
    out += escapeBeyondAscii(attribute.text);
  });
  return out;
}

/** "OU=a + CN=b" → ["OU=a", "CN=b"]; an escaped "\+" (or "\\" before the separator) is read as the escape it is. */
function splitMultiValued(line: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') {
      i++;
      continue;
    }
    if (line.startsWith(' + ', i)) {
      parts.push(line.slice(start, i));
      start = i + 3;
      i += 2;
    }
  }
  parts.push(line.slice(start));
  return parts;
}

/** UTF-8 bytes and controls outside printable ASCII as \XX (RFC 4514 hex pairs): header values stay ASCII. */
function escapeBeyondAscii(text: string): string {
  if (!/[^\x20-\x7e]/.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code >= 0x20 && code <= 0x7e) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

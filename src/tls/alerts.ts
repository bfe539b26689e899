/** TLS alert descriptions (RFC 8446 §6, RFC 5246 §7.2) by number, as the wire and OpenSSL name them. */
export const ALERT_NAMES: Record<number, string> = {
  0: 'close_notify',
  10: 'unexpected_message',
  20: 'bad_record_mac',
  22: 'record_overflow',
  40: 'handshake_failure',
  42: 'bad_certificate',
  43: 'unsupported_certificate',
  44: 'certificate_revoked',
  45: 'certificate_expired',
  46: 'certificate_unknown',
  47: 'illegal_parameter',
  48: 'unknown_ca',
  49: 'access_denied',
  50: 'decode_error',
  51: 'decrypt_error',
  70: 'protocol_version',
  71: 'insufficient_security',
  80: 'internal_error',
  86: 'inappropriate_fallback',
  90: 'user_canceled',
  109: 'missing_extension',
  110: 'unsupported_extension',
  112: 'unrecognized_name',
  116: 'certificate_required',
  120: 'no_application_protocol',
};

export interface TlsAlert {
  description: number;
  name: string;
}

export function alertFromNumber(description: number): TlsAlert {
  return { description, name: ALERT_NAMES[description] ?? `alert_${description}` };
}

/**
 * Node reports a received alert as an error on the TLS socket whose code names it, e.g.
 * ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED or ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE (the middle
 * part is the protocol version OpenSSL filed the alert under, not the one in use).
 */
export function alertFromErrorCode(code: string | undefined): TlsAlert | null {
  const match = /^ERR_SSL_(?:SSLV3|TLSV1|TLSV13)_ALERT_([A-Z_]+)$/.exec(code ?? '');
  if (!match) return null;
  const name = (match[1] as string).toLowerCase();
  const found = Object.entries(ALERT_NAMES).find(([, n]) => n === name);
  return found ? { description: Number(found[0]), name } : { description: -1, name };
}

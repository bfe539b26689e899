import type { ParsedCertificate } from '../certificate/parse.js';
import { decodeCredential } from '../load/decode.js';

/** Largest issuer download accepted: a certificate or small PKCS#7 bundle is a few KB. */
const MAX_BYTES = 1 << 20;

/**
 * Downloads the certificate(s) at an AIA caIssuers URL (http, as CAs publish them), DER or
 * PKCS#7 ("application/pkix-cert" / "application/pkcs7-mime"), PEM tolerated. Throws with a
 * plain message on any failure; the caller records it as a finding.
 */
export async function fetchIssuerCertificates(url: string, timeoutMs: number): Promise<ParsedCertificate[]> {
  const loaded = await import('undici');
  // undici is CommonJS: bundled (scripts/bundle.mjs), a dynamic import puts its exports under `default`.
  const { Agent, interceptors, request } = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
  // undici 7 follows redirects only through its interceptor (the old maxRedirections option throws).
  const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));
  try {
    const response = await request(url, { method: 'GET', dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`HTTP ${response.statusCode}`);
    }
    return certificatesFrom(Buffer.from(await response.body.arrayBuffer()), url);
  } finally {
    await dispatcher.close();
  }
}

function certificatesFrom(bytes: Buffer, url: string): ParsedCertificate[] {
  if (bytes.length > MAX_BYTES) throw new Error('the answer is too large to be a certificate');
  return decodeCredential({ bytes, origin: url, fromBase64: false }).certificates;
}

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
  let aborted = false;
  try {
    const response = await request(url, { method: 'GET', dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    if (response.statusCode !== 200) {
      await response.body.dump(); // undici reads at most 128 KiB of it, then drops the rest
      throw new Error(`HTTP ${response.statusCode}`);
    }
    const bytes = await readCapped(response.body, Number(response.headers['content-length'] ?? 0), () => (aborted = true));
    return decodeCredential({ bytes, origin: url, fromBase64: false }).certificates;
  } finally {
    // close() would wait for a body still arriving (an endless one never ends): drop it instead.
    await (aborted ? dispatcher.destroy() : dispatcher.close());
  }
}

const TOO_LARGE = 'the answer is too large to be a certificate';

/**
 * The body, counted as it arrives: past MAX_BYTES (or a Content-Length that says so) the
 * download stops at once, so an endless or huge answer costs at most one chunk over the cap.
 */
async function readCapped(body: AsyncIterable<Uint8Array> & { destroy(): unknown }, declaredLength: number, abort: () => void): Promise<Buffer> {
  if (declaredLength > MAX_BYTES) {
    abort();
    body.destroy();
    throw new Error(TOO_LARGE);
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > MAX_BYTES) {
      abort();
      body.destroy();
      throw new Error(TOO_LARGE);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

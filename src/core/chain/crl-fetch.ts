import { readCrls, type ParsedCrl } from './crl.js';

/** Largest CRL download accepted: big public CAs publish CRLs of a few MB; more is not a CRL we should parse. */
const MAX_BYTES = 16 << 20;

/**
 * Downloads a CRL from a cRLDistributionPoints URL (http, as CAs publish them; DER or PEM),
 * bounded in size and time. Throws with a plain message on any failure; the caller records it.
 */
export async function fetchCrl(url: string, timeoutMs: number): Promise<ParsedCrl[]> {
  if (!/^https?:\/\//i.test(url)) throw new Error('only http(s) distribution points are fetched (not LDAP)');
  const loaded = await import('undici');
  // undici is CommonJS: bundled (scripts/bundle.mjs), a dynamic import puts its exports under `default`.
  const { Agent, interceptors, request } = (loaded as unknown as { default?: typeof loaded }).default ?? loaded;
  const dispatcher = new Agent().compose(interceptors.redirect({ maxRedirections: 3 }));
  try {
    const response = await request(url, { method: 'GET', dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: AbortSignal.timeout(timeoutMs) });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`HTTP ${response.statusCode}`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_BYTES) {
        response.body.destroy();
        throw new Error(`the answer is larger than ${MAX_BYTES >> 20} MB`);
      }
      chunks.push(chunk as Buffer);
    }
    return readCrls(Buffer.concat(chunks), url);
  } finally {
    await dispatcher.close();
  }
}

import { MtlsError } from '../errors.js';

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;

/** The DER of every CRL in a file: each X509 CRL block of a PEM file, or the whole of a DER one. */
export function crlBlocks(bytes: Buffer, origin: string): Buffer[] {
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) {
    const blocks = [...text.matchAll(PEM_CRL)].map((m) => Buffer.from(m[1] ?? '', 'base64'));
    if (blocks.length === 0) throw new MtlsError('MTLS_WRONG_CONTENT', `${origin} holds no X509 CRL block.`, { details: { path: origin }, fixes: ['Write one with `mtls ca crl --dir DIR` (DIR/crl.pem).'] });
    return blocks;
  }
  if (bytes[0] !== 0x30) throw new MtlsError('MTLS_WRONG_CONTENT', `${origin} is neither a PEM nor a DER CRL.`, { details: { path: origin } });
  return [bytes];
}

import { parseCertificateQuickly, type ParsedCertificate } from './facts.js';

/**
 * parseCertificate, loading the ASN.1 schema library only for a certificate that needs it: a
 * command that parses certificates on its way (request, for the server's chain) does not pay
 * for the library on ordinary ones.
 */
export async function parseCertificateLazily(der: Buffer, label = 'certificate'): Promise<ParsedCertificate> {
  return parseCertificateQuickly(der, label) ?? (await import('./parse.js')).parseCertificateWithSchema(der, label);
}

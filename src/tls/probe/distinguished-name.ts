import { children, content, readOid, readTlv, type Tlv } from '../../core/asn1/der.js';

/** Attribute short names as Node and OpenSSL print them, so names compare with CertificateFacts. */
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
};

function stringValue(tlv: Tlv): string {
  const bytes = Buffer.from(content(tlv));
  if (tlv.tag === 0x1e) return bytes.swap16().toString('utf16le'); // BMPString is UCS-2 big-endian
  if (tlv.tag === 0x1c) return '(UniversalString)';
  return bytes.toString(tlv.tag === 0x0c ? 'utf8' : 'latin1');
}

/**
 * A DER Name as one line in certificate order, "C=US, O=Example, CN=Example CA": the same form as
 * CertificateFacts.subject, so a CA the server accepts compares equal with a certificate's issuer.
 */
export function decodeDistinguishedName(der: Uint8Array): string {
  const name = readTlv(der);
  const parts: string[] = [];
  for (const set of children(name)) {
    for (const attribute of children(set)) {
      const [type, value] = children(attribute);
      if (!type || !value) continue;
      const oid = readOid(type);
      parts.push(`${ATTRIBUTE_NAMES[oid] ?? oid}=${stringValue(value)}`);
    }
  }
  return parts.join(', ');
}

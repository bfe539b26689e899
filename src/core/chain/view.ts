import { children, content, readOid, type Tlv, readTlv } from '../asn1/der.js';
import type { ParsedCertificate } from '../certificate/parse.js';

/** One extension, its value still encoded. */
export interface ViewExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/**
 * The raw parts of a certificate the path checks read (names as DER, serial bytes, the key's
 * algorithm parameters, every extension in order, duplicates kept). Read with the DER walker, not
 * the ASN.1 schema: it is ten times faster over 9,780 limbo cases, and has no node limit to trip
 * on a certificate with 4,096 names (the checks bound their own work instead).
 */
export interface CertificateView {
  /** Content bytes of the serial INTEGER. */
  serial: Uint8Array;
  /** Whole DER of the issuer and subject Names. */
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  /** RDNs of the subject, each as its attributes (OID, string tag, value bytes). */
  subjectRdns: { oid: string; tag: number; value: Uint8Array }[][];
  issuerEmpty: boolean;
  subjectEmpty: boolean;
  /** SubjectPublicKeyInfo algorithm OID and the tag of its parameters (0x06 named curve, 0x30 explicit). */
  keyAlgorithmOid: string;
  keyParametersTag: number | null;
  extensions: ViewExtension[];
  /** The structure did not read: the checks that need it report that instead of guessing. */
  unreadable: string | null;
}

const cache = new WeakMap<ParsedCertificate, CertificateView>();

export function viewOf(cert: ParsedCertificate): CertificateView {
  const known = cache.get(cert);
  if (known) return known;
  const view = readView(cert.der);
  cache.set(cert, view);
  return view;
}

function readView(der: Uint8Array): CertificateView {
  const empty: CertificateView = { serial: new Uint8Array(), issuerDer: new Uint8Array(), subjectDer: new Uint8Array(), subjectRdns: [], issuerEmpty: false, subjectEmpty: false, keyAlgorithmOid: '', keyParametersTag: null, extensions: [], unreadable: null };
  try {
    const [tbs] = children(readTlv(der));
    const fields = children(tbs as Tlv);
    const at = fields[0]?.tag === 0xa0 ? 1 : 0;
    const [serial, , issuer, , subject, spki] = fields.slice(at, at + 6) as Tlv[];
    const [algorithm] = children(spki as Tlv);
    const [oid, parameters] = children(algorithm as Tlv);
    const extensions: ViewExtension[] = [];
    for (const optional of fields.slice(at + 6)) {
      if (optional.tag !== 0xa3) continue;
      for (const extension of children(children(optional)[0] as Tlv)) {
        const [id, second, third] = children(extension);
        const critical = second?.tag === 0x01 ? (content(second)[0] ?? 0) !== 0 : false;
        const value = second?.tag === 0x01 ? third : second;
        extensions.push({ oid: readOid(id as Tlv), critical, value: value ? content(value) : new Uint8Array() });
      }
    }
    const rdns = children(subject as Tlv).map((rdn) =>
      children(rdn).map((attribute) => {
        const [type, value] = children(attribute);
        return { oid: readOid(type as Tlv), tag: value?.tag ?? 0, value: value ? content(value) : new Uint8Array() };
      }),
    );
    return {
      serial: content(serial as Tlv),
      issuerDer: der.subarray((issuer as Tlv).start, (issuer as Tlv).end),
      subjectDer: der.subarray((subject as Tlv).start, (subject as Tlv).end),
      subjectRdns: rdns,
      issuerEmpty: (issuer as Tlv).end === (issuer as Tlv).contentStart,
      subjectEmpty: (subject as Tlv).end === (subject as Tlv).contentStart,
      keyAlgorithmOid: readOid(oid as Tlv),
      keyParametersTag: parameters?.tag ?? null,
      extensions,
      unreadable: null,
    };
  } catch (error) {
    return { ...empty, unreadable: error instanceof Error ? error.message : String(error) };
  }
}

/** The one extension with this OID (the first when duplicated: duplicates are a profile finding). */
export function extensionOf(cert: ParsedCertificate, oid: string): ViewExtension | undefined {
  return viewOf(cert).extensions.find((e) => e.oid === oid);
}

export const OID = {
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extendedKeyUsage: '2.5.29.37',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  emailAddress: '1.2.840.113549.1.9.1',
  commonName: '2.5.4.3',
} as const;

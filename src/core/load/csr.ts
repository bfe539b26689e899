import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificationRequest } from '@peculiar/asn1-csr';
import { Extensions, Name, SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { MtlsError } from '../errors.js';
import { describeKey } from '../key/describe.js';
import { ATTRIBUTE_SHORT_NAMES, SIGNATURE_ALGORITHM_NAMES } from '../certificate/oids.js';
import type { ParsedCsr } from './types.js';

const EXTENSION_REQUEST = '1.2.840.113549.1.9.14';

const HASH_OF: Record<string, string | null> = {
  sha256WithRSAEncryption: 'sha256',
  sha384WithRSAEncryption: 'sha384',
  sha512WithRSAEncryption: 'sha512',
  sha1WithRSAEncryption: 'sha1',
  'ecdsa-with-SHA256': 'sha256',
  'ecdsa-with-SHA384': 'sha384',
  'ecdsa-with-SHA512': 'sha512',
  Ed25519: null,
  Ed448: null,
};

export function parseCsr(der: Buffer, origin: string): ParsedCsr {
  let request: CertificationRequest;
  try {
    request = AsnConvert.parse(der, CertificationRequest);
  } catch (error) {
    throw new MtlsError('MTLS_CSR_CORRUPT', `${origin}: the certificate request does not parse.`, { cause: error });
  }
  const info = request.certificationRequestInfo;
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(AsnConvert.serialize(info.subjectPKInfo)), format: 'der', type: 'spki' });
  } catch (error) {
    throw new MtlsError('MTLS_CSR_CORRUPT', `${origin}: the public key in the certificate request does not parse.`, { cause: error });
  }
  const sigOid = request.signatureAlgorithm.algorithm;
  const signatureAlgorithm = SIGNATURE_ALGORITHM_NAMES[sigOid] ?? sigOid;
  let signatureValid = false;
  try {
    const hash = HASH_OF[signatureAlgorithm];
    if (hash !== undefined) {
      const signed = Buffer.from(AsnConvert.serialize(info));
      signatureValid = verifySignature(hash, signed, publicKey, Buffer.from(request.signature));
    }
  } catch {
    signatureValid = false;
  }
  let subjectAltNames: { type: string; value: string }[];
  try {
    subjectAltNames = requestedNames(info.attributes);
  } catch (error) {
    throw new MtlsError('MTLS_CSR_CORRUPT', `${origin}: the extensions requested in the certificate request do not parse.`, { cause: error });
  }
  return { der, subject: nameToString(info.subject), subjectAltNames, publicKey: describeKey(publicKey), signatureValid, signatureAlgorithm };
}

/** The subjectAltName entries of the extensionRequest attribute. */
function requestedNames(attributes: CertificationRequest['certificationRequestInfo']['attributes']): { type: string; value: string }[] {
  const subjectAltNames: { type: string; value: string }[] = [];
  for (const attribute of attributes) {
    if (attribute.type !== EXTENSION_REQUEST) continue;
    for (const value of attribute.values) {
      const extensions = AsnConvert.parse(value, Extensions);
      for (const extension of extensions) {
        if (extension.extnID !== id_ce_subjectAltName) continue;
        for (const name of AsnConvert.parse(extension.extnValue, SubjectAlternativeName)) {
          if (name.dNSName) subjectAltNames.push({ type: 'DNS', value: name.dNSName });
          else if (name.iPAddress) subjectAltNames.push({ type: 'IP', value: name.iPAddress });
          else if (name.uniformResourceIdentifier) subjectAltNames.push({ type: 'URI', value: name.uniformResourceIdentifier });
          else if (name.rfc822Name) subjectAltNames.push({ type: 'email', value: name.rfc822Name });
        }
      }
    }
  }
  return subjectAltNames;
}

/** "C=US, O=Example, CN=name": the same order and form as certificate subjects are shown. */
export function nameToString(name: Name): string {
  return name
    .flatMap((rdn) => rdn.map((attr) => `${ATTRIBUTE_SHORT_NAMES[attr.type] ?? attr.type}=${attr.value.toString()}`))
    .join(', ');
}

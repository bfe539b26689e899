/**
 * ASN.1 structures PKCS#12 needs that the @peculiar packages do not ship (the CMS EncryptedData
 * wrapper, the parameters of the password-based encryption schemes) or ship in a form we cannot
 * use (their PFX fills in an empty MacData when the file has none).
 *
 * The project compiles without `experimentalDecorators`, so asn1-schema's decorators are applied
 * as plain calls after each class instead of with `@` syntax.
 */
import { AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { ContentInfo, EncryptedContentInfo } from '@peculiar/asn1-cms';
import { MacData } from '@peculiar/asn1-pfx';
import { PBKDF2_DEFAULT_PRF } from './oids.js';

/** RFC 7292: PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL } */
export class Pfx {
  version = 3;
  authSafe = new ContentInfo();
  macData?: MacData;
}
AsnType({ type: AsnTypeTypes.Sequence })(Pfx);
AsnProp({ type: AsnPropTypes.Integer })(Pfx.prototype, 'version');
AsnProp({ type: ContentInfo })(Pfx.prototype, 'authSafe');
AsnProp({ type: MacData, optional: true })(Pfx.prototype, 'macData');

/** RFC 5652: EncryptedData ::= SEQUENCE { version CMSVersion, encryptedContentInfo EncryptedContentInfo, ... } */
export class EncryptedData {
  version = 0;
  encryptedContentInfo = new EncryptedContentInfo();
}
AsnType({ type: AsnTypeTypes.Sequence })(EncryptedData);
AsnProp({ type: AsnPropTypes.Integer })(EncryptedData.prototype, 'version');
AsnProp({ type: EncryptedContentInfo })(EncryptedData.prototype, 'encryptedContentInfo');

/** RFC 7292 appendix C: pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } */
export class Pkcs12PbeParams {
  salt = new OctetString();
  iterations = 0;
}
AsnType({ type: AsnTypeTypes.Sequence })(Pkcs12PbeParams);
AsnProp({ type: OctetString })(Pkcs12PbeParams.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pkcs12PbeParams.prototype, 'iterations');

/** RFC 8018: PBKDF2-params (only the "specified" salt choice is in use). */
export class Pbkdf2Params {
  salt = new OctetString();
  iterationCount = 0;
  keyLength?: number;
  prf = new AlgorithmIdentifier({ algorithm: PBKDF2_DEFAULT_PRF, parameters: null });
}
AsnType({ type: AsnTypeTypes.Sequence })(Pbkdf2Params);
AsnProp({ type: OctetString })(Pbkdf2Params.prototype, 'salt');
AsnProp({ type: AsnPropTypes.Integer })(Pbkdf2Params.prototype, 'iterationCount');
AsnProp({ type: AsnPropTypes.Integer, optional: true })(Pbkdf2Params.prototype, 'keyLength');
AsnProp({ type: AlgorithmIdentifier, optional: true })(Pbkdf2Params.prototype, 'prf');

/** RFC 8018: PBES2-params ::= SEQUENCE { keyDerivationFunc AlgorithmIdentifier, encryptionScheme AlgorithmIdentifier } */
export class Pbes2Params {
  keyDerivationFunc = new AlgorithmIdentifier();
  encryptionScheme = new AlgorithmIdentifier();
}
AsnType({ type: AsnTypeTypes.Sequence })(Pbes2Params);
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'keyDerivationFunc');
AsnProp({ type: AlgorithmIdentifier })(Pbes2Params.prototype, 'encryptionScheme');

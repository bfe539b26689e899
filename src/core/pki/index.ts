/** Local PKI: CA folders, leaf issuance, CSRs, signing, renewal and PKCS#12 export. */
export { initCa, createIntermediate, assertCaAbsent } from './ca.js';
export { issueLeaf, checkName, type LeafProfile } from './leaf.js';
export { createCsr, signCsr } from './csr.js';
export { renewCertificate } from './renew.js';
export { exportPkcs12 } from './p12.js';
export { generateKey, keyTypeOf, KEY_TYPES, DEFAULT_KEY_TYPE, type KeyType } from './keys.js';
export { parseSan, type SanEntry } from './san.js';
export { caPaths } from './store.js';
export type { PkiResult, IssuedCertificate } from './result.js';
export type { WrittenFile } from './output.js';
export type { ValidityRequest } from './validity.js';

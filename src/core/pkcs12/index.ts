/** Pure-JavaScript PKCS#12 (PFX): read files in every dialect in use, write OpenSSL 3's default or the legacy one. */
export { looksLikePkcs12 } from './sniff.js';
export { readPkcs12 } from './read.js';
export { writePkcs12 } from './write.js';
export type {
  Pkcs12Algorithm,
  Pkcs12Contents,
  Pkcs12Dialect,
  Pkcs12Info,
  Pkcs12MacInfo,
  WritePkcs12Options,
} from './types.js';

/** The public shapes of the PKCS#12 reader and writer. */

export interface Pkcs12Algorithm {
  /** E.g. 'PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)', 'pbeWithSHAAnd40BitRC2-CBC', 'pbeWithSHAAnd3-KeyTripleDES-CBC'. */
  name: string;
  oid: string;
  iterations?: number;
}

export interface Pkcs12MacInfo {
  /** 'SHA-1', 'SHA-256', ... */
  algorithm: string;
  iterations: number;
  saltLength: number;
}

export type Pkcs12Dialect = 'modern' | 'legacy' | 'mixed' | 'unencrypted';

export interface Pkcs12Info {
  /** null: the file has no MAC, so nothing protects its integrity. */
  mac: Pkcs12MacInfo | null;
  /** null when the certificates are stored unencrypted. */
  certificateEncryption: Pkcs12Algorithm | null;
  /** null when the key is stored unencrypted (keyBag) or there is no key. */
  keyEncryption: Pkcs12Algorithm | null;
  /** modern: PBES2 only; legacy: pbeWithSHAAnd… only; mixed: both; unencrypted: neither. */
  dialect: Pkcs12Dialect;
  /** Plain words: which software can read this file. */
  readableBy: string;
}

export interface Pkcs12Contents {
  /** DER X.509 certificates, in file order. */
  certificates: Buffer[];
  /** DER PKCS#8 PrivateKeyInfo (unencrypted), in file order. */
  keys: Buffer[];
  /** Per certificate: its friendlyName attribute, or null. */
  friendlyNames: (string | null)[];
  /** Certificate/key pairs whose localKeyId attributes match. */
  localKeyIds: { certIndex: number; keyIndex: number }[];
  info: Pkcs12Info;
}

export interface WritePkcs12Options {
  /** DER certificates: the leaf first, then its chain. */
  certificates: Buffer[];
  /** DER PKCS#8 PrivateKeyInfo of the leaf certificate. */
  key: Buffer;
  /** May be empty; the caller decides whether to allow that. */
  password: string;
  /** Write what Java 8, older Windows and macOS read: 3DES and a SHA-1 MAC instead of AES-256 and SHA-256. */
  legacy?: boolean;
  /** Set as friendlyName on the leaf certificate and the key; omitted when not given. */
  friendlyName?: string;
  /** PBKDF2, PKCS#12 KDF and MAC iterations; defaults to OpenSSL's 2048. */
  iterations?: number;
}

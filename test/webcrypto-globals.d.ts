// WebCrypto's DOM type names for tests and scripts, which use them as the browser does;
// tsconfig.test.json has no DOM lib (it would retype Buffer-based code in src/).
type CryptoKeyPair = import('node:crypto').webcrypto.CryptoKeyPair;
type CryptoKey = import('node:crypto').webcrypto.CryptoKey;

/** Names a PKCS#12 file's dialect and says, in plain words, which software can read it. */
import type { ResolvedScheme } from './pbe.js';
import type { Pkcs12Dialect, Pkcs12MacInfo } from './types.js';

export interface DialectVerdict {
  dialect: Pkcs12Dialect;
  readableBy: string;
}

/**
 * What readers support, as far as it is documented or reported:
 * - RC2 (and RC4) sit in OpenSSL 3's legacy provider, which `openssl pkcs12` loads only with
 *   -legacy and Node 17+ never loads; pbeWithSHAAnd3-KeyTripleDES-CBC stays in the default provider.
 * - PBES2/AES and SHA-2 MACs: OpenSSL 1.1.1+, Java 8u301+/11.0.12+/17+ (JDK-8076190 and its
 *   backports), Windows 10 1709+/Server 2019+. macOS Keychain import of such files failed on
 *   macOS 12 and 13 in several public reports, and iOS has the same history.
 */
export function judgeDialect(schemes: ResolvedScheme[], mac: Pkcs12MacInfo | null): DialectVerdict {
  const usesPbes2 = schemes.some((scheme) => scheme.family === 'pbes2');
  const usesPkcs12Pbe = schemes.some((scheme) => scheme.family === 'pkcs12-pbe');
  const usesRc2 = schemes.some((scheme) => scheme.family === 'pkcs12-pbe' && scheme.pbe.cipher === 'rc2-cbc');
  const needsModernReader = usesPbes2 || (mac !== null && mac.algorithm !== 'SHA-1');

  const dialect: Pkcs12Dialect =
    usesPbes2 && usesPkcs12Pbe ? 'mixed' : usesPbes2 ? 'modern' : usesPkcs12Pbe ? 'legacy' : 'unencrypted';
  return { dialect, readableBy: readersOf(dialect, usesRc2, needsModernReader) };
}

function readersOf(dialect: Pkcs12Dialect, usesRc2: boolean, needsModernReader: boolean): string {
  if (usesRc2) {
    const refusers = "OpenSSL 3 needs -legacy and Node 17+ (its pfx option) refuses it, because RC2 is only in OpenSSL 3's legacy provider";
    return needsModernReader
      ? `${refusers}; OpenSSL 1.1.1 and Java 8u301+/11.0.12+/17+ read it, older Java, older Windows and macOS Keychain may not.`
      : `${refusers}; OpenSSL 1.x, Java 8+, Windows and macOS read it.`;
  }
  if (dialect === 'unencrypted') {
    return 'OpenSSL, Node and curl read it; its key is not encrypted, and Java, Windows and macOS Keychain may refuse a file without encryption.';
  }
  if (needsModernReader) {
    return (
      'OpenSSL 1.1.1+ and 3, Node, curl, Java 8u301+/11.0.12+/17+ and Windows 10 1709+/Server 2019+ read it; ' +
      'older Java and Windows do not, and macOS Keychain and iOS often refuse it (reported on macOS 12 and 13): write it with legacy for those.'
    );
  }
  return 'OpenSSL 1.x and 3 (no -legacy needed), Node, curl, Java 8+, Windows and macOS all read it.';
}

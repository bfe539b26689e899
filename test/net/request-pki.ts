import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

/** Paths of a throwaway PKI for the request tests, made with openssl (EC P-256). */
export interface RequestPki {
  dir: string;
  rootCa: string;
  otherCa: string;
  otherCaKey: string;
  intermediate: string;
  server: { cert: string; key: string };
  /** Issued by the intermediate; `chain` is leaf + intermediate, `cert` the leaf alone. */
  serverViaIntermediate: { cert: string; chain: string; key: string };
  goodClient: { cert: string; key: string };
  otherCaClient: { cert: string; key: string };
  expiredClient: { cert: string; key: string };
  serverAuthOnlyClient: { cert: string; key: string };
  /** The good client's key encrypted with `passphrase`. */
  encryptedKey: string;
  passphrase: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function makeCa(dir: string, name: string, cn: string): void {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/O=mtls tests/CN=${cn}`, '-days', '36500',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

export function issue(dir: string, name: string, cn: string, ca: string, extensions: string, days = 36500): { cert: string; key: string } {
  openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=mtls tests/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-days', String(days), '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

const SERVER_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n';
export const CLIENT_EXT = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

export function makeRequestPki(): RequestPki {
  const dir = tempDir('mtls-request-pki-');
  makeCa(dir, 'root', 'mtls test root CA');
  makeCa(dir, 'other', 'mtls other CA');
  const intermediate = issue(dir, 'intermediate', 'mtls test intermediate CA', 'root', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
  const server = issue(dir, 'server', 'localhost', 'root', SERVER_EXT);
  const viaIntermediate = issue(dir, 'server-via-intermediate', 'localhost', 'intermediate', SERVER_EXT);
  const chain = join(dir, 'server-via-intermediate-chain.crt');
  writeFileSync(chain, readFileSync(viaIntermediate.cert, 'utf8') + readFileSync(intermediate.cert, 'utf8'));
  const passphrase = 'correct horse battery staple';
  const encryptedKey = join(dir, 'good-client.enc.key');
  const goodClient = issue(dir, 'good-client', 'good client', 'root', CLIENT_EXT);
  openssl(dir, ['pkey', '-in', goodClient.key, '-aes256', '-passout', `pass:${passphrase}`, '-out', encryptedKey]);
  return {
    dir,
    rootCa: join(dir, 'root.crt'),
    otherCa: join(dir, 'other.crt'),
    otherCaKey: join(dir, 'other.key'),
    intermediate: intermediate.cert,
    server,
    serverViaIntermediate: { cert: viaIntermediate.cert, chain, key: viaIntermediate.key },
    goodClient,
    otherCaClient: issue(dir, 'other-ca-client', 'client of another CA', 'other', CLIENT_EXT),
    expiredClient: issue(dir, 'expired-client', 'expired client', 'root', CLIENT_EXT, -1),
    serverAuthOnlyClient: issue(dir, 'server-auth-only-client', 'client without clientAuth', 'root', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n'),
    encryptedKey,
    passphrase,
  };
}

import type { Identity } from '../core/load/identity.js';
import { toPem } from '../core/load/pem.js';

/** The identity as Node's TLS options take it: the chain as one PEM text (leaf first) and the key as PKCS#8 PEM. */
export function identityPem(identity: Identity): { certPem: string; keyPem: string } {
  return {
    certPem: identity.certificates.map((c) => toPem('CERTIFICATE', c.der)).join(''),
    keyPem: identity.key.key.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

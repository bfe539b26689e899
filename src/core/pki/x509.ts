/**
 * The one place @peculiar/x509 is set up. It needs reflect-metadata loaded before it (its ASN.1
 * schemas use decorators) and a WebCrypto provider; Node's is used. Only PKI core modules import
 * this, so commands that do not build certificates never load it.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };

/**
 * The catalog by domain, as `mtls explain` lists it: the same files catalog.ts merges, in the
 * order a person meets them (their inputs first, the network last).
 */
import type { Catalog } from './types.js';
import { inputDiagnoses } from './catalog/input.js';
import { inspectDiagnoses } from './catalog/inspect.js';
import { pkiDiagnoses } from './catalog/pki.js';
import { chainDiagnoses } from './catalog/chain.js';
import { tlsDiagnoses } from './catalog/tls.js';
import { serveDiagnoses } from './catalog/serve.js';
import { doctorDiagnoses } from './catalog/doctor.js';
import { operationsDiagnoses } from './catalog/operations.js';
import { bridgeDiagnoses } from './catalog/bridge.js';

export interface CatalogGroup {
  name: string;
  description: string;
  entries: Catalog;
}

export const catalogGroups: CatalogGroup[] = [
  { name: 'input', description: 'reading certificates, keys, passphrases, flags and files', entries: inputDiagnoses },
  { name: 'inspect', description: 'what a certificate or bundle shows', entries: inspectDiagnoses },
  { name: 'pki', description: 'the local CA: issuing, signing, renewing', entries: pkiDiagnoses },
  { name: 'chain', description: 'chains, paths, match and expiry', entries: chainDiagnoses },
  { name: 'tls', description: 'connecting: the handshake, both certificates, network, proxy, HTTP', entries: tlsDiagnoses },
  { name: 'serve', description: 'the test server, its --upstream sidecar, and the demo', entries: serveDiagnoses },
  { name: 'bridge', description: 'mtls bridge: the loopback port that adds the client certificate', entries: bridgeDiagnoses },
  { name: 'doctor', description: 'setup checks', entries: doctorDiagnoses },
  { name: 'operations', description: 'revocation and trust stores', entries: operationsDiagnoses },
];

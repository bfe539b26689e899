import type { KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../certificate/parse.js';
import { writeOutputs } from './output.js';
import { pkcs12Of } from './leaf.js';
import type { PkiResult } from './result.js';

export interface P12ExportRequest {
  /** The identity: leaf first, then its chain (as the loader ordered it). */
  certificates: ParsedCertificate[];
  key: KeyObject;
  /** --cacert: added after the chain, each certificate once. */
  caCertificates: ParsedCertificate[];
  password: string;
  legacy: boolean;
  out: string;
  friendlyName?: string;
  force: boolean;
  /** The fix when the output exists (writeOutputs). */
  existsFix?: string;
}

export async function exportPkcs12(request: P12ExportRequest): Promise<PkiResult> {
  const [leaf, ...rest] = request.certificates;
  if (!leaf) return { files: [], certificate: null, warnings: [] };
  const seen = new Set([leaf.facts.fingerprintSha256]);
  const chain = [...rest, ...request.caCertificates].filter((c) => !seen.has(c.facts.fingerprintSha256) && seen.add(c.facts.fingerprintSha256));
  const data = pkcs12Of(leaf, chain, request.key, { password: request.password, legacy: request.legacy }, request.friendlyName ?? leaf.facts.subjectCommonName ?? 'mtls');
  const files = await writeOutputs([{ path: request.out, kind: 'PKCS#12', data }], request.force, request.existsFix ? { existsFix: request.existsFix } : {});
  return { files, certificate: null, warnings: [] };
}

/**
 * The one catalog of diagnoses. Each domain keeps its entries in its own file under ./catalog;
 * this index merges them, so a code is defined exactly once and typed: a finding that names a
 * code missing here is a compile error.
 */
import type { Catalog, DiagnosisEntry } from './types.js';
import { inputDiagnoses } from './catalog/input.js';
import { inspectDiagnoses } from './catalog/inspect.js';
import { pkiDiagnoses } from './catalog/pki.js';
import { chainDiagnoses } from './catalog/chain.js';
import { tlsDiagnoses } from './catalog/tls.js';
import { serveDiagnoses } from './catalog/serve.js';
import { doctorDiagnoses } from './catalog/doctor.js';
import { operationsDiagnoses } from './catalog/operations.js';
import { bridgeDiagnoses } from './catalog/bridge.js';

export const catalog = {
  ...inputDiagnoses,
  ...inspectDiagnoses,
  ...pkiDiagnoses,
  ...chainDiagnoses,
  ...tlsDiagnoses,
  ...serveDiagnoses,
  ...doctorDiagnoses,
  ...operationsDiagnoses,
  ...bridgeDiagnoses,
} as const satisfies Catalog;

export type DiagnosisCode = keyof typeof catalog;

export function catalogEntry(code: DiagnosisCode): DiagnosisEntry {
  return catalog[code];
}

export function isDiagnosisCode(code: string): code is DiagnosisCode {
  return Object.hasOwn(catalog, code);
}

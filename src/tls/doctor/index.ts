import { runLocalChecks, type LocalOptions } from '../../core/doctor/local.js';
import type { CredentialSettings } from '../../core/doctor/inputs.js';
import type { DoctorCheck } from '../../core/doctor/types.js';
import { remoteChecks } from './checks.js';
import { gatherRemoteEvidence } from './gather.js';

export interface DoctorTarget extends LocalOptions {
  settings: CredentialSettings;
  /** The server to check too; null for the local setup alone. */
  url: URL | null;
  servername?: string;
  timeoutMs: number;
}

/** The local checks, then (with a URL) the network checks with the identity the local ones found usable. */
export async function checkTarget(target: DoctorTarget): Promise<DoctorCheck[]> {
  const local = await runLocalChecks(target.settings, target);
  if (!target.url) return local.checks;
  const evidence = await gatherRemoteEvidence({
    url: target.url,
    ...(target.servername ? { servername: target.servername } : {}),
    identity: local.identity,
    ca: local.ca?.certificates ?? null,
    timeoutMs: target.timeoutMs,
    now: target.now,
  });
  return [...local.checks, ...remoteChecks({ evidence, clientChain: local.chain, identityProblem: local.identityProblem, ca: local.ca, now: target.now })];
}

import { runLocalChecks, type LocalOptions } from '../../core/doctor/local.js';
import type { CredentialSettings } from '../../core/doctor/inputs.js';
import type { DoctorCheck } from '../../core/doctor/types.js';
import { fileOf } from '../diagnosis/fixes.js';
import { certificatesBeside } from '../diagnosis/nearby.js';
import { remoteChecks } from './checks.js';
import { gatherRemoteEvidence } from './gather.js';
import { serverVerdictFirst } from './verdict.js';

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
  const caFile = fileOf(local.ca?.origin) ?? undefined;
  const evidence = await gatherRemoteEvidence({
    url: target.url,
    ...(target.servername ? { servername: target.servername } : {}),
    identity: local.identity,
    ca: local.ca?.certificates ?? null,
    timeoutMs: target.timeoutMs,
    now: target.now,
    ...(caFile ? { caFile } : {}),
    cwd: target.cwd,
  });
  const certFile = fileOf(local.identity?.certSource.origin ?? target.settings.cert?.value);
  const files = { cert: certFile, key: fileOf(local.identity?.keySource.origin), ca: caFile ?? null };
  const nearby = certFile ? await certificatesBeside(certFile, target.cwd) : [];
  const remote = remoteChecks({ evidence, clientChain: local.chain, identityProblem: local.identityProblem, ca: local.ca, now: target.now, files, nearby });
  return serverVerdictFirst(local.checks, remote);
}

/**
 * mtls as a library. createMtlsAgent gives fetch (agent.fetch on Node and Bun; undici and
 * MCP's HTTP transports on Node) client certificates per target, rotation and diagnosed
 * failures; createMtlsHttpsAgent does the same for node:https; installMtls does it for the
 * whole process. The loader reads certificates, keys and PKCS#12 in every form the CLI accepts,
 * so an application can take the same settings as `mtls` (MTLS_* env, config file).
 */
export { createMtlsAgent, MtlsAgent } from './lib/agent.js';
export { createMtlsHttpsAgent, MtlsHttpsAgent } from './lib/https-agent.js';
export { installMtls } from './lib/install.js';
export type { MtlsInstallation, MtlsInstallOptions } from './lib/install.js';
export { findMtlsError } from './lib/find-error.js';
export { MtlsSecret } from './lib/secret.js';
export { currentRuntime } from './lib/runtime/detect.js';
export type { Runtime } from './lib/runtime/detect.js';
export type { MtlsHttpsAgentOptions } from './lib/https-agent.js';
export { loadMtlsConfig } from './lib/config.js';
export type { LoadMtlsConfigOptions } from './lib/config.js';
export type { MtlsAgentOptions, MtlsCredentials, CredentialValue, MtlsWatchOptions } from './lib/options.js';
export { loadCredential, decodeCredential, resolveSecret, secretFromEnv, toPem } from './core/load/index.js';
export { loadCredentials } from './core/load/identity.js';
export type { Identity, LoadedCredentials, IdentityRequest, CredentialInput } from './core/load/identity.js';
export type { LoadedSource, LoadedKey, LockedKey, LoadOptions, InputFormat, Secret, ParsedCsr } from './core/load/types.js';
export { parseCertificate } from './core/certificate/parse.js';
export type { CertificateFacts, ParsedCertificate, SubjectAltName } from './core/certificate/parse.js';
export { describeKey } from './core/key/describe.js';
export type { KeyFacts } from './core/key/describe.js';
export { resolveCredentials } from './config/resolve.js';
export type { CredentialFlags, ResolvedCredentials } from './config/resolve.js';
export { loadConfigFile } from './config/file.js';
export type { ConfigFile, CredentialProfile } from './config/file.js';
export { MtlsError } from './core/errors.js';
export { catalog } from './diagnoses/catalog.js';
export type { DiagnosisCode } from './diagnoses/catalog.js';
export type { Diagnosis, DiagnosisEntry, RankedCause } from './diagnoses/types.js';
export { performRequest } from './tls/request.js';
export type { RequestOptions, RequestResult, RequestTimings, CertificateSummary } from './tls/request.js';
export { probeServer } from './tls/probe/index.js';
export type { ProbeTarget, ProbeResult } from './tls/probe/index.js';
export { diagnoseFailure } from './tls/diagnose.js';
export { verifyChain } from './core/chain/verify.js';
export type { VerifyChainInput } from './core/chain/verify.js';
export { matchKey } from './core/match.js';

import { apache } from './apache.js';
import { go } from './go.js';
import { haproxy } from './haproxy.js';
import { jdk } from './jdk.js';
import { lighttpdGnutls, lighttpdMbedtls, lighttpdOpenssl, lighttpdWolfssl } from './lighttpd.js';
import { nginx } from './nginx.js';
import { node } from './node.js';
import { openssl } from './openssl.js';
import { python } from './python.js';
import { stunnel } from './stunnel.js';
import { isPortRace } from './process.js';
import type { RunningStack, StackConfig, StackKind, StackLauncher } from './types.js';

export type { ClientAuthMode, ListenerSpec, RunningStack, StackConfig, StackKind, StackLauncher, TlsVersion } from './types.js';

/** Every stack of the matrix, in table order. */
export const STACKS: Record<StackKind, StackLauncher> = {
  openssl,
  nginx,
  apache,
  haproxy,
  stunnel,
  python,
  go,
  node,
  jdk,
  'lighttpd-openssl': lighttpdOpenssl,
  'lighttpd-gnutls': lighttpdGnutls,
  'lighttpd-mbedtls': lighttpdMbedtls,
  'lighttpd-wolfssl': lighttpdWolfssl,
};

export const STACK_KINDS = Object.keys(STACKS) as StackKind[];

/** In CI (CI=true, or MTLS_TEST_REQUIRE_STACKS=1, which `.ci/run` exports) a stack that cannot run is a failure, never a skip. */
export const MUST_RUN_EVERY_STACK = process.env.CI === 'true' || process.env.CI === '1' || process.env.MTLS_TEST_REQUIRE_STACKS === '1';

/**
 * Why a stack is skipped here, or null when it runs. Throws in CI, where every stack's package
 * is installed by .ci/run and a missing one is a broken CI setup, not a reason to skip.
 */
export function skipReason(kind: StackKind): string | null {
  const reason = STACKS[kind].unavailable();
  if (reason && MUST_RUN_EVERY_STACK) throw new Error(`CI must run every stack, but ${kind} cannot run: ${reason}`);
  return reason;
}

/** Starts one stack with every listener of `config`, on 127.0.0.1 and random ports (again, with new ports, when one was taken meanwhile). */
export async function startStack(kind: StackKind, config: StackConfig): Promise<RunningStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await STACKS[kind].start(config);
    } catch (error) {
      if (attempt >= 3 || !isPortRace(error)) throw error;
    }
  }
}

import https from 'node:https';
import { getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { MtlsAgent } from './agent.js';
import { MtlsHttpsAgent } from './https-agent.js';
import type { MtlsAgentOptions } from './options.js';
import { setInstalledFetch } from './runtime/bun-global.js';

export interface MtlsInstallOptions {
  /** Also make `https.globalAgent` an MtlsHttpsAgent (axios, got and others on node:https). Default true. */
  https?: boolean;
}

export interface MtlsInstallation {
  /** The agent every fetch now goes through. */
  readonly agent: MtlsAgent;
  /** The node:https agent, when `https` was not false. */
  readonly httpsAgent: MtlsHttpsAgent | null;
  /** Puts back what was there before, and closes the agents. */
  uninstall(): Promise<void>;
}

/**
 * One line for an app that uses several SDKs: every fetch in the process (and, by default,
 * every node:https request without an agent of its own) gets the client certificates. On Node
 * it sets undici's global dispatcher, which Node's fetch uses; on Bun, which has no dispatchers,
 * it routes globalThis.fetch through the agent's fetch (Bun's `tls` option).
 */
export function installMtls(options: MtlsAgentOptions = {}, install: MtlsInstallOptions = {}): MtlsInstallation {
  const agent = new MtlsAgent(options);
  let previousDispatcher: Dispatcher | null = null;
  if (agent.runtime === 'bun') setInstalledFetch(agent.fetch);
  else {
    previousDispatcher = getGlobalDispatcher();
    setGlobalDispatcher(agent);
  }
  const previousHttps = https.globalAgent;
  const httpsAgent = install.https === false ? null : new MtlsHttpsAgent(options);
  if (httpsAgent) https.globalAgent = httpsAgent;
  return {
    agent,
    httpsAgent,
    async uninstall() {
      if (agent.runtime === 'bun') setInstalledFetch(null);
      else if (previousDispatcher) setGlobalDispatcher(previousDispatcher);
      if (httpsAgent) {
        https.globalAgent = previousHttps;
        httpsAgent.destroy();
      }
      await agent.close();
    },
  };
}

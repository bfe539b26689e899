import { Agent, buildConnector, Dispatcher } from 'undici';
import { MtlsError } from '../core/errors.js';
import { openTlsConnection } from './connect.js';
import { explainConnectionError, type ConnectionContext } from './diagnose.js';
import { explainingHandler } from './handler.js';
import { checkAgentOptions, type MtlsAgentOptions } from './options.js';
import { bunFetch } from './runtime/bun-fetch.js';
import { AGENT_FETCH, ensureBunGlobalFetch } from './runtime/bun-global.js';
import { currentRuntime, type Runtime } from './runtime/detect.js';
import { nodeFetch } from './runtime/node-fetch.js';
import { CredentialStore } from './store.js';
import { checkReadiness } from './readiness.js';

/** How long a closed connection's record is kept: its error reaches the request handler after the close. */
const RECORD_KEPT_MS = 10_000;

type SocketInfo = { localAddress?: string; localPort?: number };

/**
 * Client certificates per target for fetch, on Node and on Bun. `agent.fetch` works on both (on
 * Node it is the global fetch with this agent as dispatcher; on Bun, Bun's fetch with its `tls`
 * option). On Node the agent is also an undici dispatcher for `fetch(url, { dispatcher })`,
 * undici's `request` and `EventSource`; Bun has no dispatchers, and there `dispatch` throws
 * MTLS_RUNTIME_NO_DISPATCHER instead of letting a request go out without the certificate.
 * Every TLS failure becomes a diagnosis from the catalog (an MtlsError, as fetch's `cause`).
 *
 * Rotation swaps the inner undici Agent: new requests get new connections with the new
 * credentials, while requests in flight finish on the old ones, which then close.
 */
export class MtlsAgent extends Dispatcher {
  readonly #options: MtlsAgentOptions;
  readonly #store: CredentialStore;
  readonly #connections = new Map<string, ConnectionContext>();
  /** The newest connection per origin: for errors that carry no socket (timeouts). */
  readonly #newestByOrigin = new Map<string, ConnectionContext>();
  #plainConnect: buildConnector.connector | null = null;
  /** The undici Agent that holds the connections (Node only: Bun's `undici` module is a stub). */
  #agent: Agent | null = null;
  readonly #retiring = new Set<Agent>();
  /** The runtime this agent was made on: it decides the transport. */
  readonly runtime: Runtime;

  /**
   * fetch with this agent's certificates, typed as the global fetch: for SDKs that take a
   * `fetch` option (openai, the AI SDK, MCP transports) and for your own calls. It takes the
   * global FormData, Blob and ReadableStream bodies and Request inputs, on Node and on Bun.
   */
  readonly fetch: typeof globalThis.fetch;

  constructor(options: MtlsAgentOptions = {}) {
    super();
    this.#options = checkAgentOptions(options);
    this.#store = new CredentialStore(this.#options, () => this.#rotate());
    this.runtime = currentRuntime();
    this.fetch = this.runtime === 'bun' ? bunFetch(this.#options, this.#store) : nodeFetch(this);
    if (this.runtime === 'node') this.#agent = this.#newAgent();
    else ensureBunGlobalFetch();
  }

  /** How the global fetch on Bun finds this agent's fetch when it is passed as `dispatcher`. */
  get [AGENT_FETCH](): typeof globalThis.fetch {
    return this.fetch;
  }

  /**
   * Reads and checks every configured credential now; rejects with an MtlsError naming the bad
   * one, including a client certificate that has expired or is not valid yet.
   */
  async ready(): Promise<void> {
    checkReadiness(await this.#store.loadAll());
  }

  /** Re-reads the credential files now, as a change under `watch` would. */
  async reload(): Promise<void> {
    await this.#store.reloadAll();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (!this.#agent) throw noDispatcher(this.runtime);
    const origin = originKey(options.origin);
    return this.#agent.dispatch(options, explainingHandler(handler, (error) => this.#explain(error, origin)));
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#store.close();
    const closing = Promise.all(this.#agents().map((agent) => agent.close())).then(() => undefined);
    if (!callback) return closing;
    void closing.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(error: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(error: Error | null, callback: () => void): void;
  override destroy(errorOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const error = typeof errorOrCallback === 'function' ? null : (errorOrCallback ?? null);
    const done = typeof errorOrCallback === 'function' ? errorOrCallback : callback;
    this.#store.close();
    const destroying = Promise.all(this.#agents().map((agent) => agent.destroy(error))).then(() => undefined);
    if (!done) return destroying;
    void destroying.then(done);
  }

  #newAgent(): Agent {
    return new Agent({
      connect: (options, callback) => this.#connect(options, callback),
      ...(this.#options.headersTimeout ? { headersTimeout: this.#options.headersTimeout } : {}),
      ...(this.#options.bodyTimeout ? { bodyTimeout: this.#options.bodyTimeout } : {}),
    });
  }

  #agents(): Agent[] {
    return [...(this.#agent ? [this.#agent] : []), ...this.#retiring];
  }

  #rotate(): void {
    // On Bun, agent.fetch reads the store on every call: nothing to swap.
    if (!this.#agent) return;
    const old = this.#agent;
    this.#agent = this.#newAgent();
    this.#retiring.add(old);
    // close() lets requests in flight finish, then drops the old connections.
    void old.close().finally(() => this.#retiring.delete(old));
  }

  #connect(options: buildConnector.Options, callback: buildConnector.Callback): void {
    if (options.protocol === 'http:') {
      this.#plainConnect ??= buildConnector({});
      this.#plainConnect(options, callback);
      return;
    }
    openTlsConnection(this.#options, this.#store, options.hostname, Number(options.port || 443), (error, connected) => {
      if (!connected) {
        callback(error ?? new Error('the connection failed'), null);
        return;
      }
      // As undici's own connector does: no Nagle delay for a request written in pieces.
      connected.socket.setNoDelay(true);
      const key = socketKey(connected.socket);
      this.#connections.set(key, connected.context);
      this.#newestByOrigin.set(`${options.hostname}:${options.port || 443}`, connected.context);
      connected.socket.once('close', () => setTimeout(() => this.#connections.delete(key), RECORD_KEPT_MS).unref());
      callback(null, connected.socket);
    });
  }

  /** An error undici reports for a request: matched to its connection by local address and port. */
  async #explain(error: Error, origin: string | null): Promise<Error> {
    const info = (error as { socket?: SocketInfo }).socket;
    const context = (info ? this.#connections.get(socketKey(info)) : undefined) ?? (origin ? this.#newestByOrigin.get(origin) : undefined);
    if (!context) return error;
    // The alert may still be on its way up the socket when undici reports the close.
    await new Promise((resolve) => setImmediate(resolve));
    return explainConnectionError(error, context).catch(() => error);
  }
}

function noDispatcher(runtime: Runtime): MtlsError {
  return new MtlsError('MTLS_RUNTIME_NO_DISPATCHER', `${runtime === 'bun' ? 'Bun' : 'This runtime'} ignores undici dispatchers, so the agent cannot send its client certificate this way: use agent.fetch, installMtls(), or createMtlsHttpsAgent for node:https.`, { details: { runtime } });
}

function originKey(origin: string | URL | undefined): string | null {
  if (!origin) return null;
  try {
    const url = new URL(origin);
    return `${url.hostname}:${url.port || (url.protocol === 'http:' ? 80 : 443)}`;
  } catch {
    return null;
  }
}

function socketKey(socket: SocketInfo): string {
  return `${socket.localAddress}|${socket.localPort}`;
}

/** An undici dispatcher with client certificates per target, rotation, and diagnosed failures. */
export function createMtlsAgent(options: MtlsAgentOptions = {}): MtlsAgent {
  return new MtlsAgent(options);
}

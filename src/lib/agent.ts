import { Agent, buildConnector, Dispatcher, fetch as undiciFetch } from 'undici';
import { openTlsConnection } from './connect.js';
import { explainConnectionError, type ConnectionContext } from './diagnose.js';
import { explainingHandler } from './handler.js';
import { checkAgentOptions, type MtlsAgentOptions } from './options.js';
import { CredentialStore } from './store.js';

/** How long a closed connection's record is kept: its error reaches the request handler after the close. */
const RECORD_KEPT_MS = 10_000;

type SocketInfo = { localAddress?: string; localPort?: number };

/**
 * An undici dispatcher for `fetch(url, { dispatcher })`, undici's `request` and `EventSource`,
 * that presents the right client certificate to each origin and turns every TLS failure into a
 * diagnosis from the catalog (an MtlsError, as fetch's `cause`).
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
  readonly #plainConnect = buildConnector({});
  #agent: Agent;
  readonly #retiring = new Set<Agent>();

  /**
   * undici's fetch with this agent as its dispatcher, typed as the global fetch: for SDKs that
   * take a `fetch` option (MCP transports, LLM provider SDKs), and for TypeScript, where the
   * global RequestInit's dispatcher type (Node's bundled undici) does not accept this one.
   */
  readonly fetch: typeof globalThis.fetch = ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher: this })) as unknown as typeof globalThis.fetch;

  constructor(options: MtlsAgentOptions = {}) {
    super();
    this.#options = checkAgentOptions(options);
    this.#store = new CredentialStore(this.#options, () => this.#rotate());
    this.#agent = this.#newAgent();
  }

  /** Reads and checks every configured credential now; rejects with an MtlsError naming the bad one. */
  async ready(): Promise<void> {
    await this.#store.loadAll();
  }

  /** Re-reads the credential files now, as a change under `watch` would. */
  async reload(): Promise<void> {
    await this.#store.reloadAll();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = originKey(options.origin);
    return this.#agent.dispatch(options, explainingHandler(handler, (error) => this.#explain(error, origin)));
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    this.#store.close();
    const closing = Promise.all([this.#agent, ...this.#retiring].map((agent) => agent.close())).then(() => undefined);
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
    const destroying = Promise.all([this.#agent, ...this.#retiring].map((agent) => agent.destroy(error))).then(() => undefined);
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

  #rotate(): void {
    const old = this.#agent;
    this.#agent = this.#newAgent();
    this.#retiring.add(old);
    // close() lets requests in flight finish, then drops the old connections.
    void old.close().finally(() => this.#retiring.delete(old));
  }

  #connect(options: buildConnector.Options, callback: buildConnector.Callback): void {
    if (options.protocol === 'http:') {
      this.#plainConnect(options, callback);
      return;
    }
    openTlsConnection(this.#options, this.#store, options.hostname, Number(options.port || 443), (error, connected) => {
      if (!connected) {
        callback(error ?? new Error('the connection failed'), null);
        return;
      }
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

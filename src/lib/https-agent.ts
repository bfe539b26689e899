import type { ClientRequest, RequestOptions } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { openTlsConnection } from './connect.js';
import { explainWith, type ConnectionContext } from './diagnose.js';
import { checkAgentOptions, type MtlsAgentOptions } from './options.js';
import { CredentialStore } from './store.js';

const CONTEXT = Symbol('mtls connection');

export type MtlsHttpsAgentOptions = MtlsAgentOptions & Pick<HttpsAgentOptions, 'keepAlive' | 'keepAliveMsecs' | 'maxSockets' | 'maxFreeSockets' | 'timeout'>;

/**
 * A `node:https` Agent for libraries built on `https.request` (axios, got, older SDKs): the same
 * per-target credentials, rotation and diagnoses as createMtlsAgent. Errors reach the request's
 * 'error' event as MtlsError.
 */
export class MtlsHttpsAgent extends HttpsAgent {
  readonly #options: MtlsAgentOptions;
  readonly #store: CredentialStore;

  constructor(options: MtlsHttpsAgentOptions = {}) {
    const { keepAlive, keepAliveMsecs, maxSockets, maxFreeSockets, timeout, ...mtls } = options;
    super({ keepAlive: keepAlive ?? true, ...(keepAliveMsecs ? { keepAliveMsecs } : {}), ...(maxSockets ? { maxSockets } : {}), ...(maxFreeSockets ? { maxFreeSockets } : {}), ...(timeout ? { timeout } : {}) });
    this.#options = checkAgentOptions(mtls);
    this.#store = new CredentialStore(this.#options, () => this.#dropIdleSockets());
  }

  async ready(): Promise<void> {
    await this.#store.loadAll();
  }

  async reload(): Promise<void> {
    await this.#store.reloadAll();
  }

  override destroy(): void {
    this.#store.close();
    super.destroy();
  }

  /** node:http calls this with a callback and waits for it when nothing is returned: credentials load asynchronously. */
  override createConnection(options: RequestOptions, callback?: (error: Error | null, socket: Duplex) => void): undefined {
    const done = callback ?? (() => undefined);
    openTlsConnection(this.#options, this.#store, String(options.host ?? options.hostname ?? 'localhost'), Number(options.port || 443), (error, connected) => {
      if (!connected) return done(error, undefined as unknown as Duplex);
      Object.defineProperty(connected.socket, CONTEXT, { value: connected.context });
      done(null, connected.socket);
    });
    return undefined;
  }

  /**
   * node:http reports a server's post-handshake refusal as the socket's raw error or "socket hang
   * up", created inside http: the request's own 'error' emission is the one place to explain it.
   */
  addRequest(request: ClientRequest, options: object): void {
    const emit = request.emit;
    request.emit = function (this: ClientRequest, event: string | symbol, ...args: unknown[]): boolean {
      const context = (request.socket as unknown as { [CONTEXT]?: ConnectionContext } | null)?.[CONTEXT];
      if (event === 'error' && context) args[0] = explainWith(args[0], context, null);
      return emit.call(this, event, ...args);
    } as ClientRequest['emit'];
    (HttpsAgent.prototype as unknown as { addRequest(r: ClientRequest, o: object): void }).addRequest.call(this, request, options);
  }

  #dropIdleSockets(): void {
    for (const sockets of Object.values(this.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
  }
}

export function createMtlsHttpsAgent(options: MtlsHttpsAgentOptions = {}): MtlsHttpsAgent {
  return new MtlsHttpsAgent(options);
}

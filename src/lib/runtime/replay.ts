import { openTlsConnection } from '../connect.js';
import { explainConnectionError } from '../diagnose.js';
import type { MtlsAgentOptions } from '../options.js';
import type { CredentialStore } from '../store.js';

/** A bound on the whole replay, so a diagnosis never hangs the caller's error path. */
const REPLAY_LIMIT_MS = 8000;

/**
 * Why a runtime's own fetch failed, when that fetch tells too little (Bun's says ECONNRESET or
 * EPROTO, without the alert or the chain): the same connection again through the connector
 * `mtls request` uses (node:tls, which Bun implements), with the same credentials, then one
 * HTTP/1.1 request on it, because a TLS 1.3 server judges the client certificate only after the
 * client's handshake is done. What that connection saw goes through the shared diagnosis, so the
 * code is the CLI's. Resolves to null when the replay is answered: then the failure was not TLS.
 */
export function diagnoseByReplay(options: MtlsAgentOptions, store: CredentialStore, url: URL): Promise<Error | null> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve(value);
    };
    const guard = setTimeout(() => finish(null), REPLAY_LIMIT_MS);
    guard.unref?.();
    const port = Number(url.port || 443);
    openTlsConnection(options, store, url.hostname, port, (error, connected) => {
      if (!connected) {
        finish(error);
        return;
      }
      const { socket, context } = connected;
      let socketError: Error | null = null;
      socket.on('error', (e: Error) => (socketError ??= e));
      socket.once('data', () => {
        socket.destroy();
        finish(null);
      });
      socket.once('close', () => {
        // The alert is recorded by the connector's listener; let it land before diagnosing.
        setImmediate(() => {
          const closed = socketError ?? Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
          explainConnectionError(closed, context).then(finish, () => finish(closed));
        });
      });
      const host = url.host;
      socket.write(`HEAD ${url.pathname || '/'} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    });
  });
}

import type { TLSSocket } from 'node:tls';
import { createConnector, newConnectionRecord } from '../tls/connector.js';
import { explainConnectionError, type ConnectionContext } from './diagnose.js';
import type { MtlsAgentOptions } from './options.js';
import type { CredentialStore } from './store.js';

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/**
 * One TLS connection with the target's current credentials, through the connector `mtls request`
 * uses (it keeps the alert, the chain and the timings). A failure arrives as an MtlsError; a
 * success comes with the context that explains the connection's later errors.
 */
export function openTlsConnection(
  options: MtlsAgentOptions,
  store: CredentialStore,
  hostname: string,
  port: number,
  callback: (error: Error | null, connected?: { socket: TLSSocket; context: ConnectionContext }) => void,
): void {
  const host = hostname.replace(/^\[|\]$/g, '');
  const connectTimeoutMs = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  store.materialFor(`https://${host.includes(':') ? `[${host}]` : host}:${port}`).then(
    (material) => {
      const record = newConnectionRecord();
      const context: ConnectionContext = { record, target: { host, port }, material, connectTimeoutMs };
      const connect = createConnector(
        {
          insecure: options.rejectUnauthorized === false,
          ...(material.identity ? { identity: material.identity } : {}),
          ...(material.caPem ? { caPem: material.caPem } : {}),
          ...(material.servername ? { servername: material.servername } : {}),
          connectTimeoutMs,
        },
        record,
      );
      connect({ hostname: host, port: String(port), protocol: 'https:' } as Parameters<typeof connect>[0], (error, socket) => {
        if (!error && socket) {
          callback(null, { socket: socket as TLSSocket, context });
          return;
        }
        const failure = error ?? new Error('the connection failed');
        explainConnectionError(failure, context).then(
          (explained) => callback(explained),
          () => callback(failure),
        );
      });
    },
    (error: Error) => callback(error),
  );
}

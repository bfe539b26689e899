import type { Server } from 'node:net';
import { MtlsError } from '../core/errors.js';

/** How a command names a listen failure: its catalog code and the flag that picks a free port. */
export interface ListenFailure {
  code: 'MTLS_SERVE_LISTEN_FAILED' | 'MTLS_BRIDGE_LISTEN_FAILED';
  freePortFix: string;
}

/** server.listen as a promise; a failure is the command's diagnosis, its fix naming this very port. */
export function listenOn(server: Server, host: string, port: number, failure: ListenFailure): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error & { code?: string }) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is already in use' : error.code === 'EACCES' ? 'permission denied' : error.code === 'EADDRNOTAVAIL' ? 'the address is not on this machine' : error.message;
      reject(
        new MtlsError(failure.code, `Cannot listen on ${host}:${port}: ${why}.`, {
          details: { host, port, ...(error.code ? { error: error.code } : {}) },
          // The catalog's fixes, with this port instead of a placeholder.
          fixes: [failure.freePortFix, `See who holds the port: \`ss -ltnp | grep :${port}\`.`],
          catalogFixes: false,
          cause: error,
        }),
      );
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

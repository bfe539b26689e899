import { connect as netConnect, isIP, type Socket } from 'node:net';

/** "host:port" as written in a URL: an IPv6 address in brackets, so its port stays readable. */
export function hostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A failed TCP connection, with the address it was tried on last. */
export type TcpFailure = NodeJS.ErrnoException & { address: string };

export interface ConnectInTurnOptions {
  /** Per address; on expiry the attempt fails with ETIMEDOUT. */
  timeoutMs?: number;
  /** Sees each attempt's socket as it is made (to destroy it from outside). */
  onAttempt?: (address: string, socket: Socket) => void;
  /** Asked after a failure: true stops before the next address. */
  stop?: () => boolean;
}

/**
 * Like curl, tries each address of a name in turn ("localhost" may be ::1, then 127.0.0.1) and
 * resolves with the first socket that connects; rejects with the last failure.
 */
export async function connectInTurn(addresses: string[], port: number, options: ConnectInTurnOptions = {}): Promise<{ socket: Socket; address: string }> {
  let last: TcpFailure = Object.assign(new Error('no address to connect to'), { code: 'ENOTFOUND', address: addresses[0] ?? '' });
  for (const address of addresses) {
    try {
      return { socket: await tcpConnect(address, port, options), address };
    } catch (error) {
      last = Object.assign(error as NodeJS.ErrnoException, { address });
      if (options.stop?.()) break;
    }
  }
  throw last;
}

function tcpConnect(address: string, port: number, options: ConnectInTurnOptions): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host: address, port });
    options.onAttempt?.(address, socket);
    const timer = options.timeoutMs
      ? setTimeout(() => {
          socket.destroy();
          reject(Object.assign(new Error(`no TCP connection within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
        }, options.timeoutMs)
      : undefined;
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socket);
    });
    const onError = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', onError);
  });
}

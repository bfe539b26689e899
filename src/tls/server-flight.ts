import type { TLSSocket } from 'node:tls';

/**
 * Calls `onRead` once, synchronously, when the server's whole flight has been read (its
 * certificate processed and OpenSSL's verdict on it stored) and before this client's own flight
 * (its certificate) leaves: destroying the socket there means the server never receives it.
 *
 * Node has no verify callback, so the hook is the key log: OpenSSL logs CLIENT_RANDOM in TLS 1.2
 * while it writes the client's flight into Node's buffer (sent only when the handshake step
 * returns), and SERVER_TRAFFIC_SECRET_0 in TLS 1.3 once the server's Finished is read, before the
 * client's Certificate is written. Both are synchronous events. Only the label is read: the line
 * holds key material and is never kept.
 *
 * This replaced `requestOCSP` + 'OCSPResponse', which put status_request in the ClientHello:
 * lighttpd with wolfSSL then refuses a good client chain whose intermediate it has not seen yet
 * (measured: -188 "certificate verify failed"; curl and plain Node pass). The hello now carries
 * nothing a plain Node or curl client would not.
 */
export function onServerFlightRead(socket: TLSSocket, onRead: () => void): void {
  let fired = false;
  const listener = (line: Buffer) => {
    if (fired) return;
    const label = line.subarray(0, 24).toString('latin1');
    if (!label.startsWith('CLIENT_RANDOM ') && !label.startsWith('SERVER_TRAFFIC_SECRET_0 ')) return;
    fired = true;
    socket.off('keylog', listener);
    onRead();
  };
  socket.on('keylog', listener);
}

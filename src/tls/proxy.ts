import { connect, type Socket } from 'node:net';

/**
 * The proxy for an https URL from HTTPS_PROXY / https_proxy, unless NO_PROXY / no_proxy names the
 * host (comma-separated; "*" for all, ".example.com" or "example.com" for a domain and its
 * subdomains, optional ":port"). Only http:// proxies: the tunnel carries our TLS to the origin.
 */
export function proxyFor(url: URL, env: Record<string, string | undefined>): URL | null {
  const configured = env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy;
  if (!configured) return null;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || '443';
  for (const entry of noProxy) {
    if (entry === '*') return null;
    const [name, entryPort] = entry.split(/:(?=\d+$)/) as [string, string | undefined];
    if (entryPort && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return null;
  }
  return new URL(configured.includes('://') ? configured : `http://${configured}`);
}

/** Opens an HTTP CONNECT tunnel through the proxy to host:port and hands back the raw socket. */
export function openTunnel(proxy: URL, host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80) });
    let head = '';
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
    socket.once('connect', () => socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`));
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', reject);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      if (status !== 200) {
        socket.destroy();
        reject(Object.assign(new Error(`the proxy ${proxy.host} answered ${status || 'something that is not HTTP'} to CONNECT ${authority}`), { code: 'MTLS_PROXY_REFUSED' }));
        return;
      }
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

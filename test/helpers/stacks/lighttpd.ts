import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir } from '../tmp.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackKind, StackLauncher } from './types.js';

export type LighttpdTls = 'openssl' | 'gnutls' | 'mbedtls' | 'wolfssl';

const MODULE_DIR = '/usr/lib/lighttpd';
const PACKAGE: Record<LighttpdTls, string> = { openssl: 'lighttpd-mod-openssl', gnutls: 'lighttpd-mod-gnutls', mbedtls: 'lighttpd-mod-mbedtls', wolfssl: 'lighttpd-mod-wolfssl' };

/**
 * lighttpd with one of its four TLS modules (/usr/lib/lighttpd/mod_*.so, one Debian package
 * each), one `$SERVER["socket"]` per listener. The version pin is
 * `ssl.openssl.ssl-conf-cmd` Min/MaxProtocol, which every module reads. No 'optional' mode:
 * lighttpd cannot refuse at HTTP level by client-certificate status without mod_magnet.
 */
function lighttpdLauncher(tls: LighttpdTls): StackLauncher {
  const kind = `lighttpd-${tls}` as StackKind;
  return {
    kind,
    label: `lighttpd (${tls === 'openssl' ? 'OpenSSL' : tls === 'gnutls' ? 'GnuTLS' : tls === 'mbedtls' ? 'mbedTLS' : 'wolfSSL'})`,
    supportsOptional: false,
    // Debian 12's mbedTLS is 2.28, which has no TLS 1.3 server.
    versions: tls === 'mbedtls' ? ['1.2'] : ['1.2', '1.3'],
    unavailable: () => {
      if (!findBinary('/usr/sbin/lighttpd', 'lighttpd')) return 'lighttpd is not installed (Debian package lighttpd)';
      if (!existsSync(join(MODULE_DIR, `mod_${tls}.so`))) return `lighttpd's mod_${tls} is not installed (Debian package ${PACKAGE[tls]})`;
      return null;
    },
    async start({ listeners }) {
      const dir = tempDir(`mtls-stack-lighttpd-${tls}-`);
      chmodSync(dir, 0o755);
      const htdocs = join(dir, 'htdocs');
      mkdirSync(htdocs);
      writeFileSync(join(htdocs, 'index.html'), 'ok\n', { mode: 0o644 });
      const errorLog = join(dir, 'error.log');
      const ports = await allocatePorts(listeners);
      // The main socket must exist too: plain HTTP on one more loopback port, never used.
      const mainPort = await freePort();
      const sockets = listeners.map(
        (l) => `$SERVER["socket"] == "127.0.0.1:${ports[l.id]}" {
  ssl.engine = "enable"
  ssl.pemfile = "${l.server.cert}"
  ssl.privkey = "${l.server.key}"
  ssl.ca-file = "${l.clientCa}"
  ssl.verifyclient.activate = "enable"
  ssl.verifyclient.enforce = "enable"
  ssl.verifyclient.depth = 4
  ssl.openssl.ssl-conf-cmd = ("MinProtocol" => "TLSv${l.tls}", "MaxProtocol" => "TLSv${l.tls}")
}`,
      );
      const conf = `server.modules = ("mod_${tls}")
server.document-root = "${htdocs}"
server.bind = "127.0.0.1"
server.port = ${mainPort}
server.errorlog = "${errorLog}"
index-file.names = ("index.html")
debug.log-ssl-noise = "enable"
${sockets.join('\n')}
`;
      const confPath = join(dir, 'lighttpd.conf');
      writeFileSync(confPath, conf);
      const binary = findBinary('/usr/sbin/lighttpd', 'lighttpd') ?? 'lighttpd';
      const server = spawnServer(binary, ['-D', '-f', confPath, '-m', MODULE_DIR], { logFiles: [errorLog] });
      return whenListening(kind, [server], ports);
    },
  };
}

export const lighttpdOpenssl = lighttpdLauncher('openssl');
export const lighttpdGnutls = lighttpdLauncher('gnutls');
export const lighttpdMbedtls = lighttpdLauncher('mbedtls');
export const lighttpdWolfssl = lighttpdLauncher('wolfssl');

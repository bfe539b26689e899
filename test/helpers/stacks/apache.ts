import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

const MODULES = '/usr/lib/apache2/modules';

/**
 * Apache httpd with mod_ssl, one VirtualHost per listener, from a private config (-f) whose
 * every path is in a temporary ServerRoot: no port 80/443, nothing in /var/log or /run.
 * `-X` keeps it one process in the foreground. 'optional' = `SSLVerifyClient optional` +
 * `Require expr %{SSL_CLIENT_VERIFY} == 'SUCCESS'` (a 403 without a verified certificate);
 * 'per-path' = `SSLVerifyClient none` on the host and `require` inside `<Location />`.
 */
export const apache: StackLauncher = {
  kind: 'apache',
  label: 'Apache httpd (mod_ssl)',
  supportsOptional: true,
  supportsPerPath: true,
  supportsVerifyDepth: true,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('/usr/sbin/apache2', 'apache2', 'httpd') ? null : 'Apache httpd is not installed (Debian package apache2)'),
  async start({ listeners }) {
    const root = tempDir('mtls-stack-apache-');
    // Apache drops to www-data when started as root: it must be able to read the document root.
    chmodSync(root, 0o755);
    const htdocs = join(root, 'htdocs');
    mkdirSync(htdocs);
    mkdirSync(join(root, 'run'));
    writeFileSync(join(htdocs, 'index.html'), 'ok\n', { mode: 0o644 });
    const errorLog = join(root, 'error.log');
    const ports = await allocatePorts(listeners);
    const hosts = listeners.map((l) => {
      const verify = l.clientAuth === 'optional' ? 'optional' : 'require';
      // 'per-path': nothing asked in the handshake; the location asks afterwards (renegotiation or post-handshake auth).
      const vhostVerify = l.clientAuth === 'per-path' ? 'none' : verify;
      const location =
        l.clientAuth === 'optional' ? "Require expr %{SSL_CLIENT_VERIFY} == 'SUCCESS'" : l.clientAuth === 'per-path' ? 'SSLVerifyClient require\n    Require all granted' : 'Require all granted';
      return `Listen 127.0.0.1:${ports[l.id]}
<VirtualHost 127.0.0.1:${ports[l.id]}>
  SSLEngine on
  SSLProtocol -all +TLSv${l.tls}
  SSLCertificateFile ${l.server.cert}
  SSLCertificateKeyFile ${l.server.key}
  SSLCACertificateFile ${l.clientCa}
  SSLVerifyClient ${vhostVerify}
  SSLVerifyDepth ${l.verifyDepth ?? 4}
  <Location />
    ${location}
  </Location>
</VirtualHost>`;
    });
    const user = process.getuid?.() === 0 ? 'User www-data\nGroup www-data' : '';
    const conf = `ServerRoot ${root}
ServerName 127.0.0.1
DefaultRuntimeDir ${join(root, 'run')}
PidFile ${join(root, 'httpd.pid')}
Mutex file:${join(root, 'run')} default
ErrorLog ${errorLog}
LogLevel info ssl:info
${user}
LoadModule mpm_event_module ${MODULES}/mod_mpm_event.so
LoadModule authz_core_module ${MODULES}/mod_authz_core.so
LoadModule dir_module ${MODULES}/mod_dir.so
LoadModule socache_shmcb_module ${MODULES}/mod_socache_shmcb.so
LoadModule ssl_module ${MODULES}/mod_ssl.so
DocumentRoot ${htdocs}
DirectoryIndex index.html
SSLSessionCache none
SSLRandomSeed startup builtin
${hosts.join('\n')}
`;
    const confPath = join(root, 'httpd.conf');
    writeFileSync(confPath, conf);
    const binary = findBinary('/usr/sbin/apache2', 'apache2', 'httpd') ?? 'apache2';
    const server = spawnServer(binary, ['-X', '-f', confPath, '-d', root], { logFiles: [errorLog], env: { ...process.env, APACHE_RUN_DIR: join(root, 'run'), APACHE_LOG_DIR: root, APACHE_LOCK_DIR: join(root, 'run') } });
    return whenListening('apache', [server], ports);
  },
};

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

/**
 * HAProxy terminating TLS, one frontend per listener, answering itself (`http-request return`,
 * no backend). 'optional' = `verify optional` + a 403 unless a certificate was sent and verified.
 */
export const haproxy: StackLauncher = {
  kind: 'haproxy',
  label: 'HAProxy',
  supportsOptional: true,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('/usr/sbin/haproxy', 'haproxy') ? null : 'HAProxy is not installed (Debian package haproxy)'),
  async start({ listeners }) {
    const dir = tempDir('mtls-stack-haproxy-');
    const ports = await allocatePorts(listeners);
    const frontends = listeners.map((l) => {
      // HAProxy's crt file holds the certificate chain and the key together.
      const crt = join(dir, `${l.id}.pem`);
      writeFileSync(crt, readFileSync(l.server.cert, 'utf8') + readFileSync(l.server.key, 'utf8'), { mode: 0o600 });
      const optional = l.clientAuth === 'optional';
      return `frontend ${l.id}
  bind 127.0.0.1:${ports[l.id]} ssl crt ${crt} ca-file ${l.clientCa} verify ${optional ? 'optional' : 'required'} ssl-min-ver TLSv${l.tls} ssl-max-ver TLSv${l.tls}
${optional ? '  http-request deny deny_status 403 unless { ssl_c_used } { ssl_c_verify 0 }\n' : ''}  http-request return status 200 content-type text/plain string "ok"`;
    });
    const conf = `global
  log stderr format raw local0 info
  ssl-server-verify none
defaults
  mode http
  log global
  option httplog
  timeout client 10s
  timeout connect 5s
  timeout server 10s
${frontends.join('\n')}
`;
    const confPath = join(dir, 'haproxy.cfg');
    writeFileSync(confPath, conf);
    const server = spawnServer(findBinary('/usr/sbin/haproxy', 'haproxy') ?? 'haproxy', ['-db', '-f', confPath]);
    return whenListening('haproxy', [server], ports);
  },
};

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../tmp.js';
import { allocatePorts, findBinary, spawnServer, whenListening } from './process.js';
import type { StackLauncher } from './types.js';

/** nginx (OpenSSL), one server block per listener; 'optional' = `ssl_verify_client optional` + `return 403` without a verified certificate. */
export const nginx: StackLauncher = {
  kind: 'nginx',
  label: 'nginx',
  supportsOptional: true,
  supportsVerifyDepth: true,
  versions: ['1.2', '1.3'],
  unavailable: () => (findBinary('nginx') ? null : 'nginx is not installed'),
  async start({ listeners }) {
    const prefix = tempDir('mtls-stack-nginx-');
    mkdirSync(join(prefix, 'logs'));
    const errorLog = join(prefix, 'logs', 'error.log');
    const ports = await allocatePorts(listeners);
    const servers = listeners.map((l) => {
      const body = 'default_type text/plain; return 200 "ok subject=$ssl_client_s_dn\\n";';
      const location = l.clientAuth === 'optional' ? `if ($ssl_client_verify != SUCCESS) { return 403; } ${body}` : body;
      return `  server {
    listen 127.0.0.1:${ports[l.id]} ssl;
    ssl_certificate ${l.server.cert};
    ssl_certificate_key ${l.server.key};
    ssl_protocols TLSv${l.tls};
    ssl_client_certificate ${l.clientCa};
    ssl_verify_client ${l.clientAuth === 'optional' ? 'optional' : 'on'};
    ssl_verify_depth ${l.verifyDepth ?? 4};
    location / { ${location} }
  }`;
    });
    const conf = `${process.getuid?.() === 0 ? 'user root;' : ''}
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${errorLog} info;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body; proxy_temp_path ${prefix}/proxy; fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi; scgi_temp_path ${prefix}/scgi;
${servers.join('\n')}
}
`;
    const confPath = join(prefix, 'nginx.conf');
    writeFileSync(confPath, conf);
    const server = spawnServer(findBinary('nginx') ?? 'nginx', ['-p', prefix, '-c', confPath, '-e', errorLog], { logFiles: [errorLog] });
    return whenListening('nginx', [server], ports);
  },
};

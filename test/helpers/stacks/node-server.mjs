// Node `https` as a stack of the matrix: one server per listener of the JSON file in argv[2].
// 'require' = requestCert + rejectUnauthorized; 'optional' = requestCert only, 403 when unverified.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const { listeners } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const l of listeners) {
  const server = createServer(
    {
      cert: readFileSync(l.cert),
      key: readFileSync(l.key),
      ca: readFileSync(l.clientCa),
      requestCert: true,
      rejectUnauthorized: l.clientAuth === 'require',
      minVersion: `TLSv${l.tls}`,
      maxVersion: `TLSv${l.tls}`,
    },
    (req, res) => {
      if (!req.socket.authorized) {
        res.writeHead(403, { 'content-type': 'text/plain' }).end(`client certificate required: ${req.socket.authorizationError ?? 'none sent'}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok subject=${req.socket.getPeerCertificate().subject?.CN ?? ''}\n`);
    },
  );
  server.listen(l.port, '127.0.0.1');
}
process.on('SIGTERM', () => process.exit(0));

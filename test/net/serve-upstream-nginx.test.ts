import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDemoPki } from '../../src/core/demo/pki.js';
import { startNginx } from '../helpers/peers.js';
import { startUpstreamApp, type SeenRequest } from '../helpers/upstream-app.js';
import { tempDir } from '../helpers/tmp.js';
import { spawnServe } from './serve-helpers.js';

function curlJson(url: string, ca: string, client: { cert: string; key: string } | null): Promise<SeenRequest> {
  const identity = client ? ['--cert', client.cert, '--key', client.key] : [];
  return new Promise((resolve, reject) => {
    execFile('curl', ['-sS', '--fail', '--max-time', '15', '--cacert', ca, ...identity, url], { timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${url}: ${stderr}`)) : resolve(JSON.parse(stdout) as SeenRequest)));
  });
}

/** nginx's own variables, as `proxy_set_header` gives them to the app. */
const NGINX_HEADERS: [string, string][] = [
  ['X-SSL-Client-Verify', '$ssl_client_verify'],
  ['X-SSL-Client-S-DN', '$ssl_client_s_dn'],
  ['X-SSL-Client-I-DN', '$ssl_client_i_dn'],
  ['X-SSL-Client-Serial', '$ssl_client_serial'],
  ['X-SSL-Client-Cert', '$ssl_client_escaped_cert'],
];

test('serve --upstream gives the app the same X-SSL-Client-* values nginx gives from its $ssl_client_* variables (a plain name, a hostile one with UTF-8, quotes, commas and a multi-valued RDN, and no certificate)', async () => {
  const pki = await createDemoPki(tempDir('mtls-upstream-nginx-'), new Date());
  // A client whose subject needs every escaping rule, issued by the demo CA with openssl.
  const tricky = { cert: join(pki.dir, 'tricky.crt'), key: join(pki.dir, 'tricky.key') };
  const csr = join(pki.dir, 'tricky.csr');
  const ext = join(pki.dir, 'tricky.ext');
  writeFileSync(ext, 'extendedKeyUsage = clientAuth\nsubjectAltName = URI:spiffe://demo.mtls.local/tricky, DNS:tricky.example\n');
  execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', tricky.key, '-out', csr, '-utf8', '-multivalue-rdn', '-subj', '/C=DE/O=Müller "&" Söhne, GmbH/OU=ops+CN=svc;one=two\\/#'], { stdio: 'pipe' });
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', pki.ca, '-CAkey', join(pki.dir, 'ca.key'), '-set_serial', '0x00ff10', '-days', '1', '-extfile', ext, '-out', tricky.cert], { stdio: 'pipe' });

  const app = await startUpstreamApp();
  const nginx = await startNginx({
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.ca,
    verifyClient: 'optional',
    location: `proxy_pass ${app.origin}; ${NGINX_HEADERS.map(([name, variable]) => `proxy_set_header ${name} ${variable};`).join(' ')}`,
  });
  const server = await spawnServe(['--cert', pki.server.cert, '--key', pki.server.key, '--client-ca', pki.ca, '--port', '0', '--optional', '--upstream', app.origin]);

  const expected = new Map([[pki.client, 'SUCCESS'], [tricky, 'SUCCESS'], [null, 'NONE']]);
  for (const [client, verify] of expected) {
    const [theirs, ours] = await Promise.all([curlJson(`https://127.0.0.1:${nginx.port}/echo`, pki.ca, client), curlJson(`${server.url}echo`, pki.ca, client)]);
    assert.equal(theirs.headers['x-ssl-client-verify'], verify);
    if (client === tricky) assert.match(String(theirs.headers['x-ssl-client-s-dn']), /^CN=svc\\;one=two\/#\+OU=ops,O=M\\C3\\BCller \\"&\\" S\\C3\\B6hne\\, GmbH,C=DE$/);
    for (const [name] of NGINX_HEADERS) {
      const key = name.toLowerCase();
      // nginx sends an empty value for a variable that is not set; serve leaves the header out.
      assert.equal(ours.headers[key] ?? '', theirs.headers[key] ?? '', `${name} for ${client?.cert ?? 'no certificate'}`);
    }
  }
  server.signal('SIGTERM');
  assert.equal(await server.exited(), 0);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { startNginx, startOpenSslServer, waitForPort, type Peer } from '../helpers/peers.js';
import { freePort, tempDir } from '../helpers/tmp.js';
import { after } from 'node:test';

// One PKI for the file: a root CA, a server certificate for 127.0.0.1 and a client certificate (PEM and PKCS#12).
const dir = tempDir('mtls-pki-net-');
const file = (name: string) => join(dir, name);
const P12_PASS = 'p12-secret';
const ready = (async () => {
  for (const args of [
    ['ca', 'init', '--dir', dir],
    ['issue', 'server', 'localhost', '--san', '127.0.0.1', '--dir', dir],
    ['issue', 'client', 'alice', '--org', 'Example', '--p12', '--p12-pass', 'env:P12_PASS', '--dir', dir],
  ]) {
    const result = await runCli(args, { env: { P12_PASS } });
    assert.equal(result.code, 0, result.stderr);
  }
})();

function curl(url: string, clientArgs: string[]): { code: number | null; out: string } {
  const result = spawnSync('curl', ['-sS', '--max-time', '10', '--cacert', file('ca.crt'), ...clientArgs, url], { encoding: 'utf8' });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

test('nginx with ssl_verify_client on accepts the issued client certificate, PEM and PKCS#12, and sees its subject', async () => {
  await ready;
  const nginx = await startNginx({ cert: file('localhost.crt'), key: file('localhost.key'), clientCa: file('ca.crt'), verifyClient: 'on' });
  const pem = curl(nginx.url, ['--cert', file('alice.crt'), '--key', file('alice.key')]);
  assert.equal(pem.code, 0, pem.out);
  assert.match(pem.out, /subject=CN=alice,O=Example verify=SUCCESS/);
  const p12 = curl(nginx.url, ['--cert-type', 'P12', '--cert', `${file('alice.p12')}:${P12_PASS}`]);
  assert.equal(p12.code, 0, p12.out);
  assert.match(p12.out, /subject=CN=alice,O=Example verify=SUCCESS/);
  const without = curl(nginx.url, []);
  assert.match(without.out, /400|No required SSL certificate/);
  const serverAsClient = curl(nginx.url, ['--cert', file('localhost.crt'), '--key', file('localhost.key')]);
  assert.doesNotMatch(serverAsClient.out, /verify=SUCCESS/);
});

test('openssl s_server -Verify accepts the issued client certificate', async () => {
  await ready;
  const server = await startOpenSslServer({ cert: file('localhost.crt'), key: file('localhost.key'), clientCa: file('ca.crt'), clientAuth: 'require' });
  const result = curl(server.url, ['--cert', file('alice.crt'), '--key', file('alice.key')]);
  assert.equal(result.code, 0, result.out);
  // s_server logs the verified client chain; its output may arrive just after curl returns.
  for (let i = 0; i < 40 && !/depth=0 .*CN = alice/.test(server.log()); i++) await new Promise((r) => setTimeout(r, 50));
  assert.match(server.log(), /depth=0 .*CN = alice/);
});

test('a Python ssl server with CERT_REQUIRED accepts the issued client certificate', async () => {
  await ready;
  const port = await freePort();
  const script = `
import http.server, ssl, sys
class Who(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        subject = dict(x[0] for x in self.connection.getpeercert()['subject'])
        body = ('cn=' + subject['commonName'] + '\\n').encode()
        self.send_response(200); self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def log_message(self, *args): pass
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.verify_mode = ssl.CERT_REQUIRED
context.load_cert_chain(sys.argv[1], sys.argv[2])
context.load_verify_locations(sys.argv[3])
server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[4])), Who)
server.socket = context.wrap_socket(server.socket, server_side=True)
server.serve_forever()
`;
  const child = spawn('python3', ['-c', script, file('localhost.crt'), file('localhost.key'), file('ca.crt'), String(port)], { stdio: 'ignore' });
  const peer: Pick<Peer, 'stop'> = { stop: async () => void child.kill('SIGTERM') };
  after(() => peer.stop());
  await waitForPort(port);
  const result = curl(`https://127.0.0.1:${port}/`, ['--cert', file('alice.crt'), '--key', file('alice.key')]);
  assert.equal(result.code, 0, result.out);
  assert.match(result.out, /cn=alice/);
});

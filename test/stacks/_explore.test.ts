import { it } from 'node:test';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { makeScenarioPki } from '../helpers/stacks/pki.js';
import { startStack } from '../helpers/stacks/index.js';
import { runInProcess } from '../helpers/in-process.js';
const pki = await makeScenarioPki();
function tryit(port: number, extra: object): Promise<string> {
  return new Promise((resolve) => {
    const c = pki.clients.good!;
    const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false, cert: readFileSync(c.cert), key: readFileSync(c.key), ...extra } as any);
    s.once('secureConnect', () => { s.write('GET / HTTP/1.0\r\n\r\n'); });
    let d = ''; s.on('data', (x) => (d += x));
    s.once('error', (e) => resolve('error ' + e.message));
    s.once('close', () => resolve('close ' + d.slice(0, 15)));
  });
}
it('explore', async () => {
  const stack = await startStack('lighttpd-wolfssl', { pki, listeners: [
    { id: 'r13', tls: '1.3', clientAuth: 'require', server: pki.servers['server-chain-incomplete'], clientCa: pki.rootCa },
    { id: 'r12', tls: '1.2', clientAuth: 'require', server: pki.servers['server-chain-incomplete'], clientCa: pki.rootCa },
  ] });
  for (const id of ['r13', 'r12']) {
    for (const extra of [{}, { requestOCSP: true }, { ALPNProtocols: ['http/1.1'] }, { ca: readFileSync(pki.rootCa) }]) {
      console.log(id, JSON.stringify(Object.keys(extra)), await tryit(stack.ports[id]!, extra));
    }
  }
  const c = pki.clients.good!;
  for (const id of ['r13', 'r12']) {
    const r = await runInProcess(['request', stack.urls[id]!, '--cacert', pki.rootCa, '--cert', c.cert, '--key', c.key, '--json'], { env: { MTLS_DEBUG: '1' } });
    console.log(id, r.code, JSON.stringify(JSON.parse(r.stdout).diagnosis?.details), r.stderr.slice(0, 2000));
    const r2 = await runInProcess(['request', stack.urls[id]!, '--cacert', pki.rootCa, '--cert', c.cert, '--key', c.key, '-k'], {});
    console.log(id, 'insecure', r2.code, r2.stderr.slice(0, 300));
  }
  console.log(stack.log().slice(-3000));
  await stack.stop();
});

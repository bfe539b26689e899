import { join } from 'node:path';
import { initCa } from '../pki/ca.js';
import { generateKey } from '../pki/keys.js';
import { issueLeaf, type LeafProfile } from '../pki/leaf.js';
import { parseSan } from '../pki/san.js';

/** The files of the demo's throwaway PKI, made by the same code as `mtls ca init` and `mtls issue`. */
export interface DemoPki {
  dir: string;
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** A client of a second, unrelated CA that the server does not trust. */
  otherCaClient: { cert: string; key: string };
  expiredClient: { cert: string; key: string };
}

export const DEMO_SPIFFE_ID = 'spiffe://demo.mtls.local/alice';
const DAY_MS = 86_400_000;

/** EC P-256 throughout: a handful of keys in milliseconds. */
export async function createDemoPki(dir: string, now: Date): Promise<DemoPki> {
  const otherDir = join(dir, 'other-ca');
  await Promise.all([
    initCa({ dir, key: await generateKey('ec-p256'), subject: { commonName: 'mtls demo CA' }, validity: { days: 2 }, force: false, now }),
    initCa({ dir: otherDir, key: await generateKey('ec-p256'), subject: { commonName: 'some other CA' }, validity: { days: 2 }, force: false, now }),
  ]);
  const leaf = async (at: string, name: string, profile: LeafProfile, sans: string[], validity: { days?: number; notAfter?: string }) => {
    await issueLeaf({ dir: at, name, profile, key: await generateKey('ec-p256'), sans: sans.map((s) => parseSan(s, '--san')), validity, force: false, now });
    return { cert: join(at, `${name}.crt`), key: join(at, `${name}.key`) };
  };
  const yesterday = new Date(now.getTime() - DAY_MS).toISOString();
  const [server, client, otherCaClient, expiredClient] = await Promise.all([
    leaf(dir, 'localhost', 'server', ['127.0.0.1'], { days: 1 }),
    leaf(dir, 'alice', 'client', [DEMO_SPIFFE_ID], { days: 1 }),
    leaf(otherDir, 'mallory', 'client', [], { days: 1 }),
    leaf(dir, 'bob-expired', 'client', [], { notAfter: yesterday }),
  ]);
  return { dir, ca: join(dir, 'ca.crt'), server, client, otherCaClient, expiredClient };
}

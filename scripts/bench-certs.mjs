/**
 * Many certificates, fast, for the expiry benchmarks: one EC P-256 key, DER put together here and
 * signed by Node's crypto (a few ms per thousand, where a JavaScript X.509 library takes seconds).
 * Each certificate is a plain leaf with its own serial, name and expiry date (1 to 800 days out).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const DAY = 86_400_000;

function tlv(tag, ...parts) {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}
const sequence = (...parts) => tlv(0x30, ...parts);
const ECDSA_WITH_SHA256 = sequence(Buffer.from('06082a8648ce3d040302', 'hex'));
const utcTime = (date) => tlv(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`, 'latin1'));
const name = (commonName) =>
  sequence(
    tlv(0x31, sequence(Buffer.from('0603550406', 'hex'), tlv(0x13, Buffer.from('DE')))),
    tlv(0x31, sequence(Buffer.from('060355040a', 'hex'), tlv(0x0c, Buffer.from('mtls bench')))),
    tlv(0x31, sequence(Buffer.from('0603550403', 'hex'), tlv(0x0c, Buffer.from(commonName)))),
  );

/** Writes `count` PEM certificates into `dir` (cert-0.pem …) and returns their paths' folder. */
export function writeCertificates(dir, count, now = Date.now()) {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const issuer = name('mtls bench CA');
  // basicConstraints (critical, cA FALSE) and keyUsage digitalSignature, as a real leaf has.
  const extensions = tlv(0xa3, sequence(sequence(Buffer.from('0603551d13', 'hex'), Buffer.from('0101ff', 'hex'), tlv(0x04, sequence())),
    sequence(Buffer.from('0603551d0f', 'hex'), Buffer.from('0101ff', 'hex'), tlv(0x04, Buffer.from('03020780', 'hex')))));
  const version3 = tlv(0xa0, tlv(0x02, Buffer.from([2])));
  for (let i = 0; i < count; i += 1) {
    const serial = Buffer.alloc(5);
    serial[0] = 0x01; // positive, and no redundant leading zero (DER)
    serial.writeUInt32BE(i, 1);
    const validity = sequence(utcTime(new Date(now - DAY)), utcTime(new Date(now + ((i % 800) + 1) * DAY)));
    const tbs = sequence(version3, tlv(0x02, serial), ECDSA_WITH_SHA256, issuer, validity, name(`bench-${i}.example`), spki, extensions);
    const signature = sign('sha256', tbs, privateKey);
    const der = sequence(tbs, ECDSA_WITH_SHA256, tlv(0x03, Buffer.from([0]), signature));
    const base64 = der.toString('base64').replace(/.{64}/g, '$&\n');
    writeFileSync(join(dir, `cert-${i}.pem`), `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`);
  }
  return dir;
}

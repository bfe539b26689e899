import { isIP } from 'node:net';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';

/**
 * The host name check mtls applies everywhere (request, doctor, the library, chain verify):
 * Node's checkServerIdentity, except that a certificate with no subjectAltName is not accepted by
 * its CN. Node alone still falls back to the CN; browsers and Go refuse such a certificate, so a
 * chain mtls calls valid is one every client accepts. Returns an Error, or undefined when valid.
 */
export function serverIdentityError(host: string, peer: PeerCertificate): Error | undefined {
  const nodeSays = checkServerIdentity(host, peer);
  if (nodeSays) return nodeSays;
  if (!peer.subjectaltname && isIP(host.replace(/^\[|\]$/g, '')) === 0) {
    const cn = peer.subject?.CN;
    return Object.assign(new Error(`The certificate has no subjectAltName: Node would accept it for "${host}" by its CN${cn ? ` "${String(cn)}"` : ''}, but browsers and Go refuse it, and so does mtls.`), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
  }
  return undefined;
}

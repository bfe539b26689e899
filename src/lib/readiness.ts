import { diagnose } from '../core/errors.js';
import type { TlsMaterial } from './material.js';
import { libraryError } from './wording.js';

/**
 * What ready() adds to "the files load": a client certificate outside its validity dates would
 * be refused by every server, so the agent says so at start-up rather than on the first request.
 */
export function checkReadiness(loaded: { target: string; optionsPath: string | null; material: TlsMaterial }[], now = new Date()): void {
  for (const { target, optionsPath, material } of loaded) {
    const field = optionsPath === null ? 'cert' : `${optionsPath}.cert`;
    for (const certificate of material.clientChain) {
      const name = `"${certificate.subjectCommonName ?? certificate.subject}"`;
      const where = { target, field, certificate: certificate.subject };
      if (new Date(certificate.notAfter) < now) {
        throw libraryError(diagnose('MTLS_CERT_EXPIRED', `The client certificate of ${target} (${field}) ${name} expired on ${certificate.notAfter}: servers will refuse it.`, { details: { ...where, notAfter: certificate.notAfter } }), undefined);
      }
      if (new Date(certificate.notBefore) > now) {
        throw libraryError(diagnose('MTLS_CERT_NOT_YET_VALID', `The client certificate of ${target} (${field}) ${name} is valid only from ${certificate.notBefore}: servers will refuse it until then.`, { details: { ...where, notBefore: certificate.notBefore } }), undefined);
      }
    }
  }
}

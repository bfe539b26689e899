import type { HostMatch } from './host.js';
import type { Purpose } from './purpose.js';

/** The rule a chain broke; each has its own catalog code and fix. */
export type ChainRule =
  | 'issuer-missing'
  | 'untrusted-root'
  | 'signature'
  | 'expired'
  | 'not-yet-valid'
  | 'not-a-ca'
  | 'ca-key-usage'
  | 'path-length'
  | 'purpose'
  | 'leaf-key-usage'
  | 'critical-extension'
  | 'name-constraints'
  | 'name-constraints-unsupported'
  | 'host'
  | 'weak-crypto'
  | 'profile'
  | 'revoked'
  | 'crl'
  | 'too-deep';

export type ChainCode =
  | 'MTLS_CHAIN_ISSUER_MISSING'
  | 'MTLS_CHAIN_UNTRUSTED_ROOT'
  | 'MTLS_CHAIN_BAD_SIGNATURE'
  | 'MTLS_CHAIN_CERT_EXPIRED'
  | 'MTLS_CHAIN_CERT_NOT_YET_VALID'
  | 'MTLS_CHAIN_ISSUER_NOT_CA'
  | 'MTLS_CHAIN_CA_KEY_USAGE'
  | 'MTLS_CHAIN_PATH_LENGTH'
  | 'MTLS_CHAIN_WRONG_PURPOSE'
  | 'MTLS_CHAIN_UNHANDLED_CRITICAL_EXTENSION'
  | 'MTLS_CHAIN_NAME_CONSTRAINTS'
  | 'MTLS_CHAIN_HOST_MISMATCH'
  | 'MTLS_CHAIN_WEAK_CRYPTO'
  | 'MTLS_CHAIN_PROFILE'
  | 'MTLS_CHAIN_REVOKED'
  | 'MTLS_CHAIN_CRL_INVALID'
  | 'MTLS_CHAIN_TOO_DEEP';

/** One broken rule, naming the certificate at fault and the fix. */
export interface ChainProblem {
  rule: ChainRule;
  code: ChainCode;
  /** Position of the certificate at fault in `path` (0 = leaf). */
  position: number;
  /** Its name as people say it: the CN, else the whole subject. */
  certificate: string;
  summary: string;
  fix: string;
}

export type LinkRole = 'leaf' | 'intermediate' | 'root';
/** Where a certificate of the path came from. */
export type LinkOrigin = 'certificate' | 'certificate file' | 'untrusted' | 'trust anchors';

export interface ChainLink {
  role: LinkRole;
  name: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprintSha256: string;
  from: LinkOrigin;
}

/** The outcome of a path validation: a value, whether it passed or not. */
export interface ChainVerification {
  valid: boolean;
  /** One sentence: the verdict in plain English, naming the failing link and the fix. */
  verdict: string;
  purpose: Purpose;
  host: string | null;
  /** The email address checked against rfc822Name entries (--email), or null. */
  email: string | null;
  at: string;
  trust: { source: 'cacert' | 'system'; origin: string; count: number };
  /** Leaf first, as far as it could be built. */
  path: ChainLink[];
  /** The path ends at a trusted certificate. */
  anchored: boolean;
  hostMatch: HostMatch | null;
  /** Every rule broken, most fundamental first; the first one is the verdict. */
  problems: ChainProblem[];
  /** Rules only pedantic validators enforce (errors with --strict), and revocation left unchecked. */
  warnings: ChainProblem[];
  /** Path building: candidate paths tried, and whether a bound (depth, work) stopped it. */
  search: { paths: number; bounded: boolean };
  /** Certificates given as intermediates that are not on the path. */
  unused: { name: string; fingerprintSha256: string }[];
}

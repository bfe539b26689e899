import type { ClientScenario, ServerScenario } from '../helpers/stacks/pki.js';
import type { ClientAuthMode, StackKind, TlsVersion } from '../helpers/stacks/types.js';

/**
 * THE expected table of the stack matrix (issue 14): for every scenario, the TRUE cause, as a
 * careful human who knows the scenario would name it, and not whatever the engine says today.
 * The matrix test (test/stacks/matrix.test.ts) and `npm run stacks` judge every cell against it.
 *
 * A cell = stack × scenario × TLS version × via ('request' = `mtls request --json`, 'doctor' =
 * `mtls doctor URL --json`, 'library' = createMtlsAgent().fetch). Defaults are per scenario;
 * OVERRIDES (below) adjust a stack or a version where the truth cannot be known from the client
 * side, each with its reason. Keep the two in this one file so the engine's author can read them.
 */
export type Scenario =
  | ClientScenario
  /** The 'optional' listener (HTTP 403 without a verified certificate), no certificate sent. */
  | 'optional-no-cert'
  /** The 'optional' listener with the good certificate: 200. */
  | 'optional-good'
  | ServerScenario
  /** The two-intermediates client against a verify depth of 1 (nginx's ssl_verify_depth default): nginx and Apache only. */
  | 'verify-depth-1'
  /** Apache per-location client auth (`SSLVerifyClient require` inside `<Location />`) with the good certificate. */
  | 'per-path-auth';

export type Via = 'request' | 'doctor' | 'library';

/** Where each scenario runs: which listener (client-auth mode + server credential) and which client credential. */
export interface ScenarioSetup {
  clientAuth: ClientAuthMode;
  server: 'good' | ServerScenario;
  client: ClientScenario;
  /** The server's verify depth for client chains (default 4). */
  verifyDepth?: number;
}

export const SCENARIO_SETUP: Record<Scenario, ScenarioSetup> = {
  good: { clientAuth: 'require', server: 'good', client: 'good' },
  'no-cert': { clientAuth: 'require', server: 'good', client: 'no-cert' },
  expired: { clientAuth: 'require', server: 'good', client: 'expired' },
  'not-yet-valid': { clientAuth: 'require', server: 'good', client: 'not-yet-valid' },
  'server-auth-eku': { clientAuth: 'require', server: 'good', client: 'server-auth-eku' },
  'other-ca': { clientAuth: 'require', server: 'good', client: 'other-ca' },
  'self-signed': { clientAuth: 'require', server: 'good', client: 'self-signed' },
  'rsa-1024': { clientAuth: 'require', server: 'good', client: 'rsa-1024' },
  'missing-intermediate': { clientAuth: 'require', server: 'good', client: 'missing-intermediate' },
  'wrong-key': { clientAuth: 'require', server: 'good', client: 'wrong-key' },
  'optional-no-cert': { clientAuth: 'optional', server: 'good', client: 'no-cert' },
  'optional-good': { clientAuth: 'optional', server: 'good', client: 'good' },
  'server-chain-incomplete': { clientAuth: 'require', server: 'server-chain-incomplete', client: 'good' },
  'wrong-host': { clientAuth: 'require', server: 'wrong-host', client: 'good' },
  'server-expired': { clientAuth: 'require', server: 'server-expired', client: 'good' },
  'two-intermediates': { clientAuth: 'require', server: 'good', client: 'two-intermediates' },
  'verify-depth-1': { clientAuth: 'require', server: 'good', client: 'two-intermediates', verifyDepth: 1 },
  'per-path-auth': { clientAuth: 'per-path', server: 'good', client: 'good' },
};

export const SCENARIOS = Object.keys(SCENARIO_SETUP) as Scenario[];

/** Client scenarios whose refusal is the server's: the ones the "how each stack reports it" table shows. */
export const SERVER_JUDGED: Scenario[] = ['no-cert', 'expired', 'not-yet-valid', 'server-auth-eku', 'other-ca', 'self-signed', 'rsa-1024', 'missing-intermediate', 'optional-no-cert', 'verify-depth-1', 'per-path-auth'];

export interface Expectation {
  /** `mtls request --json`: the diagnosis (or error) code must be one of these; null = success (exit 0, HTTP 200). The first is the preferred one. */
  codes: string[] | null;
  /** request's exit code. */
  exit: 0 | 1 | 2;
  /** request's first ranked cause must match (the true cause first, not second). */
  firstCause?: RegExp;
  /** request's first fix must match. */
  firstFix?: RegExp;
  /** …and must not match (a fix that makes a local check pass and changes nothing on the server). */
  firstFixNot?: RegExp;
  /** `mtls doctor URL --json`: fixFirst.code must be one of these (doctor's local checks use their own codes for the same cause); null = no failing finding (ok). */
  doctor: string[] | null;
  /** doctor's fixFirst.fix must match / must not match. */
  doctorFix?: RegExp;
  doctorFixNot?: RegExp;
  /** The library (createMtlsAgent().fetch): the MtlsError code must be one of these; 'HTTP nnn' = a response with that status (fetch never throws for a status); null = HTTP 200. Default: `codes`. */
  library?: string[] | null;
  /** Why this is the truth, where it is not obvious. */
  why?: string;
}

const CERT_FIX = /--cert\b/;

export const EXPECTED: Record<Scenario, Expectation> = {
  good: { codes: null, exit: 0, doctor: null },
  'no-cert': {
    codes: ['MTLS_CLIENT_CERT_REQUIRED'],
    exit: 1,
    firstCause: /no client certificate|none was (sent|given)|not given/i,
    firstFix: CERT_FIX,
    doctor: ['MTLS_CLIENT_CERT_REQUIRED'],
    doctorFix: CERT_FIX,
    why: 'mtls knows it sent none; the server asked (probe) or refused. Issue 14 case 1: never a generic handshake failure with an openssl s_client fix.',
  },
  expired: {
    codes: ['MTLS_CLIENT_CERT_EXPIRED'],
    exit: 1,
    firstCause: /expired/i,
    firstFix: /renew|reissue|issue a new|new certificate/i,
    doctor: ['MTLS_CERT_EXPIRED', 'MTLS_CLIENT_CERT_EXPIRED'],
    why: 'Expired since 2021: the dates in hand decide, whatever alert (or none) the server sends (case 4).',
  },
  'not-yet-valid': {
    codes: ['MTLS_CLIENT_CERT_NOT_YET_VALID'],
    exit: 1,
    firstCause: /not (yet )?valid|valid from|starts|in the future|notBefore/i,
    // Five years ahead is no clock skew: the fix is a certificate with the right start date (case 8).
    firstFix: /reissue|issue|notBefore|start date|renew/i,
    doctor: ['MTLS_CERT_NOT_YET_VALID', 'MTLS_CLIENT_CERT_NOT_YET_VALID'],
    why: 'Valid from five years ahead. wolfSSL says certificate_expired, others bad_certificate: the dates in hand win (case 8: never "expired on 2041").',
  },
  'server-auth-eku': {
    codes: ['MTLS_CLIENT_CERT_WRONG_USAGE'],
    exit: 1,
    firstCause: /clientAuth|client authentication|usage|purpose/i,
    doctor: ['MTLS_CLIENT_CERT_WRONG_USAGE', 'MTLS_CHAIN_WRONG_PURPOSE', 'MTLS_CHAIN_PROFILE'],
  },
  'other-ca': {
    codes: ['MTLS_CLIENT_CERT_UNKNOWN_CA'],
    exit: 1,
    firstCause: /CA|issuer|trust/i,
    // Case 10: adding the unrelated CA to --cacert makes the local check pass and changes nothing on the server.
    firstFixNot: /--cacert\b/,
    doctor: ['MTLS_CLIENT_CERT_UNKNOWN_CA', 'MTLS_CHAIN_UNTRUSTED_ROOT', 'MTLS_CHAIN_ISSUER_MISSING'],
    doctorFixNot: /--cacert\b/,
    why: 'Issued by a root the server has never heard of.',
  },
  'self-signed': {
    codes: ['MTLS_CLIENT_CERT_UNKNOWN_CA'],
    exit: 1,
    firstCause: /self-signed|CA|issuer|trust/i,
    firstFixNot: /--cacert\b/,
    doctor: ['MTLS_CLIENT_CERT_UNKNOWN_CA', 'MTLS_CHAIN_UNTRUSTED_ROOT', 'MTLS_CERT_SELF_SIGNED', 'MTLS_SERVER_CERT_SELF_SIGNED'],
    doctorFixNot: /--cacert\b/,
  },
  'rsa-1024': {
    codes: ['MTLS_CLIENT_CERT_KEY_TOO_WEAK', 'MTLS_WEAK_KEY'],
    exit: 1,
    firstCause: /1024|too (small|weak)|weak key|key size/i,
    firstFix: /2048|P-256|reissue|new key/i,
    doctor: ['MTLS_WEAK_KEY', 'MTLS_CHAIN_WEAK_CRYPTO', 'MTLS_CLIENT_CERT_KEY_TOO_WEAK'],
    why: 'Servers at OpenSSL security level 2 refuse it ("ee key too small"); mbedTLS says unsupported_certificate; Go accepts RSA-1024 client keys (see OVERRIDES). Case 3: request must name it as doctor does. MTLS_WEAK_KEY is the catalog\'s "Key is too small"; a new client-specific code is fine if the engine adds one (then change it here).',
  },
  'missing-intermediate': {
    // No dedicated code exists today; MTLS_CLIENT_CHAIN_INCOMPLETE would mirror MTLS_SERVER_CHAIN_INCOMPLETE. Either is right if the first cause and fix say: send the intermediate.
    codes: ['MTLS_CLIENT_CHAIN_INCOMPLETE', 'MTLS_CLIENT_CERT_UNKNOWN_CA'],
    exit: 1,
    firstCause: /intermediate/i,
    firstFix: /intermediate/i,
    doctor: ['MTLS_CLIENT_CHAIN_INCOMPLETE', 'MTLS_CLIENT_CERT_UNKNOWN_CA', 'MTLS_BUNDLE_INCOMPLETE', 'MTLS_CHAIN_INCOMPLETE', 'MTLS_CHAIN_ISSUER_MISSING'],
    doctorFix: /intermediate/i,
    why: 'The leaf is issued by the intermediate, sent without it; the server trusts only the root. Case 5: "send the intermediate" is the first cause and the first fix, not the second.',
  },
  'wrong-key': {
    codes: ['MTLS_KEY_CERT_MISMATCH'],
    exit: 2,
    // doctor's key-match check names the same cause with its own code.
    doctor: ['MTLS_KEY_CERT_MISMATCH', 'MTLS_MATCH_MISMATCH'],
    why: 'mtls refuses the pair before connecting: the expected result is that local refusal, the same on every stack.',
  },
  'optional-no-cert': {
    codes: ['MTLS_CLIENT_CERT_REQUIRED'],
    exit: 1,
    firstFix: CERT_FIX,
    doctor: ['MTLS_CLIENT_CERT_REQUIRED'],
    library: ['HTTP 403'],
    why: 'Case 6: the handshake passes (optional client auth) and the HTTP layer answers 403; mtls knows it sent no certificate and the server asked for one. The library returns the 403 response: fetch never throws for a status.',
  },
  'optional-good': { codes: null, exit: 0, doctor: null },
  'server-chain-incomplete': {
    codes: ['MTLS_SERVER_CHAIN_INCOMPLETE'],
    exit: 1,
    firstCause: /intermediate|incomplete|chain/i,
    // doctor's local chain check names the same fault as a missing issuer.
    doctor: ['MTLS_SERVER_CHAIN_INCOMPLETE', 'MTLS_CHAIN_INCOMPLETE', 'MTLS_CHAIN_ISSUER_MISSING'],
  },
  'wrong-host': {
    codes: ['MTLS_SERVER_NAME_MISMATCH'],
    exit: 1,
    doctor: ['MTLS_SERVER_NAME_MISMATCH', 'MTLS_CHAIN_HOST_MISMATCH'],
  },
  'server-expired': {
    codes: ['MTLS_SERVER_CERT_EXPIRED'],
    exit: 1,
    doctor: ['MTLS_SERVER_CERT_EXPIRED', 'MTLS_CHAIN_CERT_EXPIRED'],
  },
  // Leaf + two intermediates against a verify depth of 4: must pass everywhere.
  'two-intermediates': { codes: null, exit: 0, doctor: null },
  'verify-depth-1': {
    // No code exists for it today; MTLS_CLIENT_CHAIN_TOO_DEEP is a proposal (rename here if the engine picks another).
    codes: ['MTLS_CLIENT_CHAIN_TOO_DEEP'],
    exit: 1,
    firstCause: /depth|too (long|deep)|intermediates/i,
    firstFix: /ssl_verify_depth|SSLVerifyDepth|verify depth/i,
    doctor: ['MTLS_CLIENT_CHAIN_TOO_DEEP'],
    library: ['MTLS_CLIENT_CHAIN_TOO_DEEP'],
    why: 'Issue 14 "also diagnose": a server whose verify depth (nginx ssl_verify_depth default 1) is shorter than the chain the client sends (leaf + two intermediates). The certificate itself is fine, so the cause is the server setting, and the fix names it.',
  },
  'per-path-auth': {
    // Proposal: MTLS_CLIENT_CERT_POST_HANDSHAKE (rename here if the engine picks another).
    codes: ['MTLS_CLIENT_CERT_POST_HANDSHAKE'],
    exit: 1,
    firstCause: /post-handshake|after the request|per-(path|location)|renegotiat/i,
    doctor: ['MTLS_CLIENT_CERT_POST_HANDSHAKE'],
    library: ['HTTP 403'],
    why: 'Issue 14 "also diagnose": Apache asks for the certificate only for the location, after the request: over TLS 1.3 by post-handshake auth, which Node cannot do (Apache answers 403 "Cannot perform Post-Handshake Authentication"). See OVERRIDES for TLS 1.2.',
  },
};

export interface Override {
  stack?: StackKind;
  tls?: TlsVersion;
  scenario: Scenario;
  expect: Partial<Expectation>;
  why: string;
}

/**
 * Where a stack's behaviour changes the truth. Each entry says why.
 *
 * Fixed, kept as a record: lighttpd + wolfSSL refused mtls's own connection with the good
 * certificate ("-188 certificate verify failed") while plain Node and curl passed, because the
 * connector's hook before the client certificate leaves used `requestOCSP`, which puts
 * status_request in the ClientHello; wolfSSL then fails a chain whose intermediate it has not
 * seen yet. The hook is now the key log (src/tls/server-flight.ts) and the hello is plain.
 */
export const OVERRIDES: Override[] = [
  {
    stack: 'apache',
    tls: '1.2',
    scenario: 'per-path-auth',
    expect: { codes: null, exit: 0, doctor: null, library: null },
    why: 'Over TLS 1.2 Apache asks for the certificate by renegotiation, which Node clients (mtls included) follow: HTTP 200.',
  },
  ...(['server-auth-eku', 'rsa-1024'] as const).map(
    (scenario): Override => ({
      stack: 'lighttpd-gnutls',
      scenario,
      expect: { codes: null, exit: 0, doctor: EXPECTED[scenario].doctor, library: null },
      why: 'lighttpd\'s mod_gnutls accepts a client certificate whose EKU is serverAuth only, and an RSA-1024 key (measured: HTTP 200). The request succeeds; doctor still flags the certificate.',
    }),
  ),
  ...(['rsa-1024', 'missing-intermediate'] as const).map(
    (scenario): Override => ({
      stack: 'lighttpd-wolfssl',
      scenario,
      expect: { codes: null, exit: 0, doctor: EXPECTED[scenario].doctor, library: null },
      why: 'lighttpd\'s mod_wolfssl accepts RSA-1024, and a leaf sent without its intermediate (measured: HTTP 200; wolfSSL keeps CA certificates it has once verified, so after any good client the intermediate is in its store; the cells run good first, but under the pool this is order-dependent, and other-ca on TLS 1.3 flipped between two runs). doctor still flags the file.',
    }),
  ),
  {
    stack: 'jdk',
    scenario: 'rsa-1024',
    expect: { codes: null, exit: 0, doctor: ['MTLS_WEAK_KEY', 'MTLS_CHAIN_WEAK_CRYPTO'], library: null },
    why: 'The JDK (jdk.certpath.disabledAlgorithms: RSA keySize < 1024) accepts an RSA-1024 client key: the request succeeds; doctor still flags the key.',
  },
  {
    stack: 'node',
    scenario: 'rsa-1024',
    expect: { codes: null, exit: 0, doctor: ['MTLS_WEAK_KEY', 'MTLS_CHAIN_WEAK_CRYPTO'], library: null },
    why: 'Node https (its OpenSSL at security level 1) accepts an RSA-1024 client key: the request succeeds, and only doctor should flag the key.',
  },
  // nginx `ssl_verify_client on` completes the handshake and answers HTTP 400 ("No required SSL
  // certificate was sent", "The SSL certificate error"): request and doctor must still name the
  // true cause; the library's fetch returns the 400 response (fetch never throws for a status).
  ...(['no-cert', 'expired', 'not-yet-valid', 'server-auth-eku', 'other-ca', 'self-signed', 'rsa-1024', 'missing-intermediate', 'verify-depth-1'] as const).map(
    (scenario): Override => ({ stack: 'nginx', scenario, expect: { library: ['HTTP 400'] }, why: 'nginx refuses at HTTP level with a 400 page; fetch returns it' }),
  ),
  {
    stack: 'lighttpd-openssl',
    scenario: 'server-chain-incomplete',
    expect: {
      codes: ['MTLS_SERVER_INTERNAL_ERROR'],
      firstCause: /chain/i,
      firstFix: /server('s)? (error )?log|server's (own )?(certificate )?chain/i,
      doctor: ['MTLS_SERVER_INTERNAL_ERROR'],
    },
    why: 'lighttpd (mod_openssl) with a chain it cannot use answers the ClientHello with internal_error at once (7 bytes read; its certificate never leaves the server): nothing on the wire shows the chain. Issue 14 case 9: internal_error is the server\'s failure, "look at the server\'s log; check the server\'s own chain", which is the first cause.',
  },
  {
    stack: 'go',
    scenario: 'rsa-1024',
    expect: { codes: null, exit: 0, doctor: ['MTLS_WEAK_KEY', 'MTLS_CHAIN_WEAK_CRYPTO'], library: null },
    why: 'Go\'s crypto/tls verifies RSA-1024 client certificates (its 1024-bit floor is for RSA keys it generates, not ones it verifies): the request succeeds; doctor still flags the key.',
  },
];

/** The expectation of one cell: the scenario default with the overrides that match applied in order. */
export function expectationFor(stack: StackKind, scenario: Scenario, tls: TlsVersion): Expectation {
  let expectation: Expectation = { ...EXPECTED[scenario] };
  for (const o of OVERRIDES) {
    if (o.scenario === scenario && (o.stack === undefined || o.stack === stack) && (o.tls === undefined || o.tls === tls)) expectation = { ...expectation, ...o.expect };
  }
  return expectation;
}

/** The stacks where doctor and the library are checked too: every one (1,152 cells, about a minute on 2 cores). */
export const DEEP_STACKS: StackKind[] = ['nginx', 'node', 'openssl', 'apache', 'haproxy', 'stunnel', 'python', 'go', 'jdk', 'lighttpd-openssl', 'lighttpd-gnutls', 'lighttpd-mbedtls', 'lighttpd-wolfssl'];

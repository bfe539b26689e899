/**
 * RFC 5280 §5.3.1 CRLReason, by the names the RFC (and openssl's `-crl_reason`) uses. Code 7 is
 * unused; removeFromCRL (8) belongs to delta CRLs only, so it is not offered for revoking.
 */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASONS;

export const REVOCATION_REASON_NAMES = Object.keys(REVOCATION_REASONS) as RevocationReason[];

/** Accepts the RFC name in any case ("keycompromise", "KeyCompromise"), as openssl does. */
export function parseRevocationReason(value: string): RevocationReason | null {
  const wanted = value.trim().toLowerCase();
  return REVOCATION_REASON_NAMES.find((name) => name.toLowerCase() === wanted) ?? null;
}

export function reasonName(code: number | undefined): RevocationReason {
  return REVOCATION_REASON_NAMES.find((name) => REVOCATION_REASONS[name] === code) ?? 'unspecified';
}

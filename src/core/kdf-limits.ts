/**
 * Iteration caps for password-based key derivation, shared by the PKCS#12 reader and the
 * encrypted-key loader (kept out of src/core/pkcs12 so loading a key does not load that code).
 * Reasons and measurements: src/core/pkcs12/budget.ts.
 */

/**
 * PBKDF2 runs natively (node:crypto, ~0.3 s per million HMAC-SHA256 rounds), as in OpenSSL:
 * 10 million per derivation is twice anything in use and a few seconds.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

/**
 * The PKCS#12 KDF (RFC 7292 appendix B) has no native implementation in Node, so each round is
 * one call into node:crypto (~1 µs, four times OpenSSL's C loop): 2 million per derivation stays
 * above OWASP's 1.3 million and under ~2 s.
 */
export const MAX_PKCS12_KDF_ITERATIONS = 2_000_000;

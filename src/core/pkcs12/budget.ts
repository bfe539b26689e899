/**
 * Bounds on password-based key derivation when reading a file: a damaged or hostile file could
 * otherwise ask for billions of iterations and keep us busy for hours.
 *
 * OpenSSL has no cap (any count up to 2^31 - 1 is run); Java's PKCS#12 keystore refuses more
 * than 5,000,000. Real files use 2,048 (OpenSSL's default) to 10,000 (Java, Windows); the
 * highest in use follow OWASP's PBKDF2 advice (600,000 for SHA-256, 1,300,000 for SHA-1), and
 * OpenSSL's `-iter` applies the same count to the MAC, which uses the PKCS#12 KDF. Measured with
 * OpenSSL 3.0 (`openssl pkcs12 -in F -nodes`, CPU time): 0.6 s at 1M iterations, 2.8 s at 5M.
 */
import { MtlsError } from '../errors.js';
import { MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS } from '../kdf-limits.js';

export { MAX_PBKDF2_ITERATIONS, MAX_PKCS12_KDF_ITERATIONS };

export type Kdf = 'pkcs12' | 'pbkdf2';

/**
 * Per file, all derivations together: the MAC is tried with up to three forms of the password
 * and each encrypted part derives a key and an IV, so a file of many parts could multiply any
 * per-derivation cap. 8 million PKCS#12 KDF rounds read an `openssl pkcs12 -export -legacy -iter
 * 1300000` file; 20 million PBKDF2 rounds two parts at 10 million.
 */
const ROUNDS_PER_FILE: Record<Kdf, number> = { pkcs12: 8_000_000, pbkdf2: 20_000_000 };

/**
 * And a time budget behind them, for a machine far slower than the counts assume. CPU time, not
 * wall time: on a loaded machine (CI) the same file must not be refused one run in ten.
 */
const CPU_PER_FILE_MS = 20_000;

const NAMES: Record<Kdf, string> = { pkcs12: 'the PKCS#12 key derivation', pbkdf2: 'PBKDF2' };

export const REENCRYPT_FIX =
  'Export it again with a usual count: `openssl pkcs12 -in FILE -nodes -out plain.pem && openssl pkcs12 -export -in plain.pem -out NEW.p12 -iter 10000 && rm plain.pem`.';

export function tooManyIterations(iterations: number, usedFor: string, kdf: Kdf): MtlsError {
  const limit = kdf === 'pkcs12' ? MAX_PKCS12_KDF_ITERATIONS : MAX_PBKDF2_ITERATIONS;
  return new MtlsError(
    'MTLS_P12_ITERATIONS_TOO_HIGH',
    `The PKCS#12 file asks for ${iterations} iterations of ${NAMES[kdf]} for its ${usedFor}; more than ${limit} are refused (usual files use 2048 to 600000).`,
    { details: { iterations, limit, usedFor, kdf }, fixes: [REENCRYPT_FIX] },
  );
}

/** The work spent reading one file, checked before each derivation. */
export class KdfBudget {
  private readonly spent: Record<Kdf, number> = { pkcs12: 0, pbkdf2: 0 };
  private readonly started = process.cpuUsage();

  /** Call before deriving; throws MTLS_P12_ITERATIONS_TOO_HIGH when this derivation would exceed the file's budget. */
  spend(kdf: Kdf, rounds: number, usedFor: string): void {
    this.spent[kdf] += rounds;
    const overRounds = this.spent[kdf] > ROUNDS_PER_FILE[kdf];
    const used = process.cpuUsage(this.started);
    if (!overRounds && (used.user + used.system) / 1000 <= CPU_PER_FILE_MS) return;
    const why = overRounds ? `${this.spent[kdf]} rounds of ${NAMES[kdf]} in all, more than the ${ROUNDS_PER_FILE[kdf]} allowed per file` : `more than ${CPU_PER_FILE_MS / 1000} s of key derivation`;
    throw new MtlsError('MTLS_P12_ITERATIONS_TOO_HIGH', `Opening the PKCS#12 file's ${usedFor} would take ${why}; it was stopped there.`, {
      details: { usedFor, kdf, rounds: this.spent[kdf], limit: ROUNDS_PER_FILE[kdf] },
      fixes: [REENCRYPT_FIX],
    });
  }
}

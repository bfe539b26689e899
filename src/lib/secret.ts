import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret in agent options (a passphrase, or a key's text) that stays out of logs: its value is
 * a private field, and util.inspect, JSON.stringify, String() and template strings show
 * "[redacted]" with where it came from. Spreading the options keeps the secret working.
 */
export class MtlsSecret {
  readonly #value: string;
  /** Where the value came from, safe to print: `env:MTLS_KEY_PASSPHRASE`, `targets["api"].passphrase`. */
  readonly origin: string;

  constructor(value: string, origin: string) {
    this.#value = value;
    this.origin = origin;
  }

  /** The value itself: only for handing to the TLS stack. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return `${REDACTED} (${this.origin})`;
  }

  toString(): string {
    return this.toJSON();
  }

  [inspect.custom](): string {
    return `MtlsSecret ${this.toJSON()}`;
  }
}

export function isSecret(value: unknown): value is MtlsSecret {
  return value instanceof MtlsSecret;
}

/** A string option's value, whether given plainly or as an MtlsSecret. */
export function revealed<T>(value: T | MtlsSecret): T | string {
  return value instanceof MtlsSecret ? value.reveal() : value;
}

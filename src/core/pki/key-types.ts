/**
 * The key types `--key-type` offers; EC P-256 is the default: small, fast, and read by every TLS
 * stack. Apart from keys.ts so that defining the CLI's flags loads no key code.
 */
export const KEY_TYPES = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096', 'ed25519'] as const;
export type KeyType = (typeof KEY_TYPES)[number];
export const DEFAULT_KEY_TYPE: KeyType = 'ec-p256';

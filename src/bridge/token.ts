import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header that may carry the token instead of the path (for clients that set headers). */
export const TOKEN_HEADER = 'x-mtls-bridge-token';

/** 32 random bytes, base64url: 43 characters that fit in a path segment unescaped. */
export function newBridgeToken(): string {
  return randomBytes(32).toString('base64url');
}

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Compares in constant time. Both sides are hashed first so the comparison also takes the same
 * time whatever the length of what the client sent (timingSafeEqual needs equal lengths).
 */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digestOf(expected), createHash('sha256').update(given).digest());
}

/** The expected token's digest, made once per token rather than once per request. */
const digests = new Map<string, Buffer>();
function digestOf(token: string): Buffer {
  let digest = digests.get(token);
  if (!digest) {
    digest = createHash('sha256').update(token).digest();
    digests.set(token, digest);
  }
  return digest;
}

/**
 * The request's path with the token segment taken off, when the first segment is the token;
 * null when it is not. `/TOKEN/openai/x?y` → `/openai/x?y`; `/TOKEN` → `/`.
 */
export function stripTokenSegment(expected: string, url: string): string | null {
  const end = url.slice(1).search(/[/?]/);
  const segment = end === -1 ? url.slice(1) : url.slice(1, end + 1);
  if (!tokenMatches(expected, segment)) return null;
  const rest = end === -1 ? '' : url.slice(end + 1);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/**
 * A path as logs may show it: no query (it may hold API keys), and a first segment that looks
 * like a token (the right one or a near miss) replaced by `***`.
 */
export function loggablePath(url: string): string {
  const path = url.split('?')[0] ?? '/';
  const [, first = '', ...rest] = path.split('/');
  if (!TOKEN_SHAPE.test(first) && first.length < 32) return path;
  return ['', '***', ...rest].join('/');
}

import { createHash, randomBytes } from 'node:crypto';

/** Bytes of entropy in a refresh token (256 bits). */
export const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 32 random bytes, unpadded base64url (43 characters). */
export function generateRefreshToken(): string {
  return randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
}

/**
 * The only form of a refresh token the database sees. A plain SHA-256 suffices (no salt, no slow hash): the token
 * has 256 bits of entropy, so there is nothing to brute-force, and a fast exact lookup by hash is what we need.
 */
export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Cheap shape check so garbage cookies are refused without a database round trip. */
export function isWellFormedRefreshToken(value: unknown): value is string {
  return typeof value === 'string' && REFRESH_TOKEN_SHAPE.test(value);
}

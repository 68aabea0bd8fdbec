import { describe, expect, it } from 'vitest';
import { generateRefreshToken, hashRefreshToken, isWellFormedRefreshToken } from './refresh-token';

describe('refresh tokens', () => {
  it('are 32 random bytes in unpadded base64url and never repeat', () => {
    const tokens = new Set(Array.from({ length: 200 }, generateRefreshToken));
    expect(tokens.size).toBe(200);
    for (const t of tokens) {
      expect(Buffer.from(t, 'base64url')).toHaveLength(32);
      expect(isWellFormedRefreshToken(t)).toBe(true);
    }
  });

  it('hash to the SHA-256 digest of the token text', () => {
    // SHA-256("abc"), FIPS 180-2 test vector.
    expect(hashRefreshToken('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('refuses malformed values', () => {
    for (const bad of [undefined, '', 'short', `${'a'.repeat(42)}=`, 'a'.repeat(44), `${'a'.repeat(42)}+`, 42]) {
      expect(isWellFormedRefreshToken(bad)).toBe(false);
    }
  });
});

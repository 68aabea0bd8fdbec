import { describe, expect, it } from 'vitest';
import { generateRefreshToken, hashRefreshToken } from './refresh-token';
import { openSuccessor, sealSuccessor } from './successor-seal';

const rotatedToken = generateRefreshToken();
const successorToken = generateRefreshToken();
const tokenRowId = '5d2f0c1e-8f6b-4a39-b1c2-7e9d0a4b3c21';

describe('successor seal', () => {
  it('opens with the rotated token and the same row id', () => {
    const sealed = sealSuccessor({ rotatedToken, tokenRowId, successorToken });
    expect(openSuccessor({ rotatedToken, tokenRowId, sealed })).toBe(successorToken);
    expect(openSuccessor({ rotatedToken, tokenRowId: tokenRowId.toUpperCase(), sealed })).toBe(successorToken);
  });

  it('is version || 96-bit IV || ciphertext || tag, with a fresh IV each time and no plaintext in it', () => {
    const a = sealSuccessor({ rotatedToken, tokenRowId, successorToken });
    const b = sealSuccessor({ rotatedToken, tokenRowId, successorToken });
    expect(a).toHaveLength(1 + 12 + 32 + 16);
    expect(a[0]).toBe(1);
    expect(a.subarray(1, 13).equals(b.subarray(1, 13))).toBe(false);
    expect(a.includes(Buffer.from(successorToken, 'base64url'))).toBe(false);
  });

  it('does not open with another token, with the stored hash of the token, for another row, or when altered', () => {
    const sealed = sealSuccessor({ rotatedToken, tokenRowId, successorToken });
    expect(openSuccessor({ rotatedToken: generateRefreshToken(), tokenRowId, sealed })).toBeUndefined();
    // What a database leak reveals (the SHA-256 of the token) is not the key material.
    expect(openSuccessor({ rotatedToken: hashRefreshToken(rotatedToken).toString('base64url'), tokenRowId, sealed })).toBeUndefined();
    expect(openSuccessor({ rotatedToken, tokenRowId: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b', sealed })).toBeUndefined();
    for (const i of [0, 5, 20, sealed.length - 1]) {
      const altered = Buffer.from(sealed);
      altered[i]! ^= 0x01;
      expect(openSuccessor({ rotatedToken, tokenRowId, sealed: altered })).toBeUndefined();
    }
    expect(openSuccessor({ rotatedToken, tokenRowId, sealed: sealed.subarray(0, 20) })).toBeUndefined();
  });
});

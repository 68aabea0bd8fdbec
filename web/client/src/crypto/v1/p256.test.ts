import { describe, expect, it } from 'vitest';
import { bytesToBigInt, isOnP256, isValidP256Scalar, P256_B, P256_N, P256_P } from './p256';

const GX = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
const GY = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

describe('P-256 arithmetic checks', () => {
  it('the generator and its negation are on the curve', () => {
    expect(isOnP256(GX, GY)).toBe(true);
    expect(isOnP256(GX, P256_P - GY)).toBe(true);
  });

  it('rejects points off the curve, (0,0), and non-canonical coordinates', () => {
    expect(isOnP256(GX, GY + 1n)).toBe(false);
    expect(isOnP256(0n, 0n)).toBe(false);
    expect(isOnP256(GX + P256_P, GY)).toBe(false);
    expect(isOnP256(GX, GY + P256_P)).toBe(false);
    expect(isOnP256(-1n, GY)).toBe(false);
  });

  it('matches the published constants', () => {
    expect(P256_P).toBe(2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n);
    // y^2 = x^3 - 3x + b at the generator, written out independently of isOnP256.
    expect((GY * GY - (GX ** 3n - 3n * GX + P256_B)) % P256_P).toBe(0n);
  });

  it('accepts scalars in [1, n) only', () => {
    expect(isValidP256Scalar(1n)).toBe(true);
    expect(isValidP256Scalar(P256_N - 1n)).toBe(true);
    expect(isValidP256Scalar(0n)).toBe(false);
    expect(isValidP256Scalar(P256_N)).toBe(false);
  });

  it('reads big-endian bytes', () => {
    expect(bytesToBigInt(Uint8Array.of(0x01, 0x00))).toBe(256n);
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
  });
});

import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoParameterError } from './errors';
import { hkdfSha256 } from './hkdf';
import { randomBytes } from './random';

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('hkdfSha256', () => {
  it('RFC 5869 test case 1', async () => {
    const okm = await hkdfSha256(hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'), {
      salt: hex('000102030405060708090a0b0c'),
      info: hex('f0f1f2f3f4f5f6f7f8f9'),
      byteLength: 42,
    });
    expect(Buffer.from(okm).toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('agrees with node:crypto for random inputs and lengths, and an empty salt means 32 zero bytes', async () => {
    for (const byteLength of [1, 16, 32, 33, 64, 100, 8160]) {
      const [ikm, salt, info] = [randomBytes(32), randomBytes(16), randomBytes(10)];
      const ours = await hkdfSha256(ikm, { salt, info, byteLength });
      expect(Buffer.from(ours)).toEqual(Buffer.from(hkdfSync('sha256', ikm, salt, info, byteLength)));
    }
    const ikm = randomBytes(32);
    const info = new Uint8Array(0);
    expect(await hkdfSha256(ikm, { salt: new Uint8Array(0), info, byteLength: 32 })).toEqual(
      await hkdfSha256(ikm, { salt: new Uint8Array(32), info, byteLength: 32 }),
    );
  });

  it('different info gives unrelated output (domain separation)', async () => {
    const ikm = randomBytes(32);
    const salt = new Uint8Array(32);
    const a = await hkdfSha256(ikm, { salt, info: new TextEncoder().encode('cipherlink/v1/a'), byteLength: 32 });
    const b = await hkdfSha256(ikm, { salt, info: new TextEncoder().encode('cipherlink/v1/b'), byteLength: 32 });
    expect(a).not.toEqual(b);
  });

  it('refuses lengths outside 1..8160 bytes and missing salt or info', async () => {
    const ikm = randomBytes(32);
    const empty = new Uint8Array(0);
    for (const byteLength of [0, -1, 8161, 1.5, Number.NaN]) {
      await expect(hkdfSha256(ikm, { salt: empty, info: empty, byteLength })).rejects.toBeInstanceOf(CryptoParameterError);
    }
    const noSalt = { info: empty, byteLength: 32 } as unknown as Parameters<typeof hkdfSha256>[1];
    await expect(hkdfSha256(ikm, noSalt)).rejects.toBeInstanceOf(CryptoParameterError);
  });
});

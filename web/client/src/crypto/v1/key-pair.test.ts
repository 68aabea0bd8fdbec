import { afterEach, describe, expect, it } from 'vitest';
import { CryptoParameterError } from './errors';
import { generateEcdhKeyPair, generateEcdsaKeyPair, importP256PrivateScalar } from './key-pair';
import { P256_N } from './p256';
import { validateRawP256PublicKey } from './public-key';
import { queuedTestBytes, setTestRandomSource } from './random';

const G_RAW =
  '046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const be32 = (n: bigint) => Uint8Array.from(Buffer.from(n.toString(16).padStart(64, '0'), 'hex'));

afterEach(() => setTestRandomSource(null));

describe('generating P-256 key pairs', () => {
  it('ECDH: private key non-extractable, deriveBits only; public point valid', async () => {
    const pair = await generateEcdhKeyPair();
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    expect(pair.privateKey.usages).toEqual(['deriveBits']);
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
    expect(validateRawP256PublicKey(pair.publicKeyRaw)).toEqual(pair.publicKeyRaw);
    expect(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))).toEqual(pair.publicKeyRaw);
  });

  it('ECDSA: private key non-extractable, sign only; public key verify only', async () => {
    const pair = await generateEcdsaKeyPair();
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.usages).toEqual(['sign']);
    expect(pair.publicKey.usages).toEqual(['verify']);
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
  });

  it('extractable: true (the key-backup path only) makes the private key exportable', async () => {
    const pair = await generateEcdhKeyPair({ extractable: true });
    expect(pair.privateKey.extractable).toBe(true);
    expect((await crypto.subtle.exportKey('jwk', pair.privateKey)).d).toBeTypeOf('string');
  });

  it('two generations give different keys', async () => {
    const [a, b] = await Promise.all([generateEcdhKeyPair(), generateEcdhKeyPair()]);
    expect(hex(a.publicKeyRaw)).not.toBe(hex(b.publicKeyRaw));
  });
});

describe('importP256PrivateScalar', () => {
  it('scalar 1 gives the generator as public key, non-extractable by default', async () => {
    const pair = await importP256PrivateScalar(be32(1n), 'ECDSA');
    expect(hex(pair.publicKeyRaw)).toBe(G_RAW);
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.usages).toEqual(['sign']);
  });

  it('rejects 0, n, values above n and wrong lengths', async () => {
    for (const bad of [be32(0n), be32(P256_N), be32(P256_N + 1n), new Uint8Array(31), new Uint8Array(33).fill(1)]) {
      await expect(importP256PrivateScalar(bad, 'ECDH')).rejects.toBeInstanceOf(CryptoParameterError);
    }
  });
});

describe('deterministic key generation (test random source)', () => {
  it('the same test bytes give the same key pair; out-of-range scalars are skipped', async () => {
    const seed = be32(0x1234n);
    setTestRandomSource(queuedTestBytes(be32(P256_N), be32(0n), seed));
    const first = await generateEcdhKeyPair();
    setTestRandomSource(queuedTestBytes(seed));
    const second = await generateEcdhKeyPair();
    expect(hex(first.publicKeyRaw)).toBe(hex(second.publicKeyRaw));
    expect(first.privateKey.extractable).toBe(false);
    const direct = await importP256PrivateScalar(seed, 'ECDH');
    expect(hex(direct.publicKeyRaw)).toBe(hex(first.publicKeyRaw));
  });
});

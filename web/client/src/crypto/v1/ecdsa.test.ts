import { describe, expect, it, vi } from 'vitest';
import { signEcdsaP256, verifyEcdsaP256 } from './ecdsa';
import { CryptoParameterError } from './errors';
import { generateEcdhKeyPair, generateEcdsaKeyPair } from './key-pair';
import { importP256PublicKey } from './public-key';

const data = new TextEncoder().encode('cipherlink/v1/test|signed bytes');

describe('ECDSA P-256 SHA-256 (P1363)', () => {
  it('signs with 64-byte r||s that verifies under the published (raw-imported) key', async () => {
    const pair = await generateEcdsaKeyPair();
    const sig = await signEcdsaP256(pair.privateKey, data);
    expect(sig).toHaveLength(64);
    const published = await importP256PublicKey(pair.publicKeyRaw, 'ECDSA');
    expect(await verifyEcdsaP256(published, data, sig)).toBe(true);
  });

  it('does not verify altered data, an altered signature or another key', async () => {
    const [pair, other] = await Promise.all([generateEcdsaKeyPair(), generateEcdsaKeyPair()]);
    const sig = await signEcdsaP256(pair.privateKey, data);
    const altered = Uint8Array.from(sig);
    altered[10]! ^= 1;
    expect(await verifyEcdsaP256(pair.publicKey, data.subarray(1), sig)).toBe(false);
    expect(await verifyEcdsaP256(pair.publicKey, data, altered)).toBe(false);
    expect(await verifyEcdsaP256(other.publicKey, data, sig)).toBe(false);
  });

  it('returns false for every signature length other than 64, including a valid one with bytes appended', async () => {
    const pair = await generateEcdsaKeyPair();
    const sig = await signEcdsaP256(pair.privateKey, data);
    // Refused by our own length check, before Web Crypto parses anything (some platforms accept other encodings).
    const verify = vi.spyOn(crypto.subtle, 'verify');
    try {
      for (const bad of [new Uint8Array(0), sig.subarray(0, 63), Uint8Array.from([...sig, 0]), Uint8Array.from([0, ...sig]), new Uint8Array(72)]) {
        expect(await verifyEcdsaP256(pair.publicKey, data, bad)).toBe(false);
      }
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('refuses ECDH keys and swapped key halves', async () => {
    const signing = await generateEcdsaKeyPair();
    const ecdh = await generateEcdhKeyPair();
    await expect(signEcdsaP256(ecdh.privateKey, data)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(signEcdsaP256(signing.publicKey, data)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(verifyEcdsaP256(ecdh.publicKey, data, new Uint8Array(64))).rejects.toBeInstanceOf(CryptoParameterError);
  });
});

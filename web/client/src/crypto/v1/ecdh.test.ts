import { describe, expect, it } from 'vitest';
import { deriveEcdhSecret } from './ecdh';
import { CryptoParameterError } from './errors';
import { generateEcdhKeyPair, generateEcdsaKeyPair } from './key-pair';
import { importP256PublicKey } from './public-key';

describe('deriveEcdhSecret', () => {
  it('both ends derive the same 32 bytes; a third party derives something else', async () => {
    const [a, b, c] = await Promise.all([generateEcdhKeyPair(), generateEcdhKeyPair(), generateEcdhKeyPair()]);
    const ab = await deriveEcdhSecret(a.privateKey, await importP256PublicKey(b.publicKeyRaw, 'ECDH'));
    const ba = await deriveEcdhSecret(b.privateKey, await importP256PublicKey(a.publicKeyRaw, 'ECDH'));
    const cb = await deriveEcdhSecret(c.privateKey, await importP256PublicKey(b.publicKeyRaw, 'ECDH'));
    expect(ab).toHaveLength(32);
    expect(ab).toEqual(ba);
    expect(cb).not.toEqual(ab);
  });

  it('refuses ECDSA keys, a public key as private and another curve', async () => {
    const a = await generateEcdhKeyPair();
    const signing = await generateEcdsaKeyPair();
    const peer = await importP256PublicKey((await generateEcdhKeyPair()).publicKeyRaw, 'ECDH');
    await expect(deriveEcdhSecret(signing.privateKey, peer)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(deriveEcdhSecret(a.privateKey, signing.publicKey)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(deriveEcdhSecret(a.publicKey, peer)).rejects.toBeInstanceOf(CryptoParameterError);
    const p384 = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-384' }, false, ['deriveBits']);
    await expect(deriveEcdhSecret(a.privateKey, p384.publicKey)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(deriveEcdhSecret(p384.privateKey, peer)).rejects.toBeInstanceOf(CryptoParameterError);
  });
});

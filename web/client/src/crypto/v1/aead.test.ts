import { describe, expect, it } from 'vitest';
import { AES_GCM_IV_BYTES, decryptAesGcm, encryptAesGcm, generateIv, importAesGcmKey } from './aead';
import { AeadAuthenticationError, CryptoParameterError } from './errors';
import { randomBytes } from './random';

const utf8 = new TextEncoder();
const aad = utf8.encode('cipherlink/v1/test|conv|device');
const plaintext = utf8.encode('hello, world');

async function freshKey() {
  return importAesGcmKey(randomBytes(32));
}

describe('AES-256-GCM', () => {
  it('round-trips; ciphertext is plaintext length + 16-byte tag', async () => {
    const key = await freshKey();
    const iv = generateIv();
    const ct = await encryptAesGcm(key, { iv, additionalData: aad, plaintext });
    expect(ct).toHaveLength(plaintext.length + 16);
    expect(await decryptAesGcm(key, { iv, additionalData: aad, ciphertext: ct })).toEqual(plaintext);
  });

  it('imports keys non-extractable by default', async () => {
    const key = await freshKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    expect((await importAesGcmKey(randomBytes(32), { extractable: true })).extractable).toBe(true);
  });

  it('refuses tampered ciphertext, tag, IV, additional data and another key with AeadAuthenticationError', async () => {
    const key = await freshKey();
    const iv = generateIv();
    const ct = await encryptAesGcm(key, { iv, additionalData: aad, plaintext });
    const flip = (b: Uint8Array, i: number) => {
      const c = Uint8Array.from(b);
      c[i]! ^= 1;
      return c;
    };
    const attempts = [
      () => decryptAesGcm(key, { iv, additionalData: aad, ciphertext: flip(ct, 0) }),
      () => decryptAesGcm(key, { iv, additionalData: aad, ciphertext: flip(ct, ct.length - 1) }),
      () => decryptAesGcm(key, { iv: flip(iv, 3), additionalData: aad, ciphertext: ct }),
      () => decryptAesGcm(key, { iv, additionalData: flip(aad, 0), ciphertext: ct }),
      () => decryptAesGcm(key, { iv, additionalData: new Uint8Array(0), ciphertext: ct }),
      async () => decryptAesGcm(await freshKey(), { iv, additionalData: aad, ciphertext: ct }),
      () => decryptAesGcm(key, { iv, additionalData: aad, ciphertext: ct.subarray(0, 15) }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toBeInstanceOf(AeadAuthenticationError);
  });

  it('refuses keys of other sizes and IVs other than 96 bits', async () => {
    for (const size of [16, 24, 31, 33]) await expect(importAesGcmKey(randomBytes(size))).rejects.toBeInstanceOf(CryptoParameterError);
    const aes128 = await crypto.subtle.importKey('raw', randomBytes(16), 'AES-GCM', false, ['encrypt', 'decrypt']);
    await expect(encryptAesGcm(aes128, { iv: generateIv(), additionalData: aad, plaintext })).rejects.toBeInstanceOf(CryptoParameterError);
    const key = await freshKey();
    for (const len of [0, 8, 11, 13, 16]) {
      await expect(encryptAesGcm(key, { iv: randomBytes(len), additionalData: aad, plaintext })).rejects.toBeInstanceOf(CryptoParameterError);
    }
  });

  it('requires additional data to be given (an empty array is fine, a missing one is not)', async () => {
    const key = await freshKey();
    const params = { iv: generateIv(), plaintext } as unknown as Parameters<typeof encryptAesGcm>[1];
    await expect(encryptAesGcm(key, params)).rejects.toBeInstanceOf(CryptoParameterError);
    await expect(encryptAesGcm(key, { iv: generateIv(), additionalData: new Uint8Array(0), plaintext })).resolves.toHaveLength(28);
  });

  it('refuses a key whose usages do not include the operation', async () => {
    const encryptOnly = await crypto.subtle.importKey('raw', randomBytes(32), 'AES-GCM', false, ['encrypt']);
    const iv = generateIv();
    const ct = await encryptAesGcm(encryptOnly, { iv, additionalData: aad, plaintext });
    await expect(decryptAesGcm(encryptOnly, { iv, additionalData: aad, ciphertext: ct })).rejects.toBeInstanceOf(CryptoParameterError);
  });

  it('generateIv gives 12 fresh bytes each time', () => {
    const ivs = new Set(Array.from({ length: 100 }, () => Buffer.from(generateIv()).toString('hex')));
    expect(ivs.size).toBe(100);
    expect(generateIv()).toHaveLength(AES_GCM_IV_BYTES);
  });
});

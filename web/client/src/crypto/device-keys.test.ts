import { describe, expect, it } from 'vitest';
import { deriveSharedSecret, generateDeviceKeyPair, importPeerPublicKey } from './device-keys';
import { InvalidPublicKeyError } from './errors';

describe('device keys', () => {
  it('generates a non-extractable private key and a 65-byte uncompressed public key', async () => {
    const pair = await generateDeviceKeyPair();
    expect(pair.privateKey.extractable).toBe(false);
    expect(pair.privateKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('pkcs8', pair.privateKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', pair.privateKey)).rejects.toThrow();
    expect(pair.publicKeyRaw).toHaveLength(65);
    expect(pair.publicKeyRaw[0]).toBe(0x04);
  });

  it('imports a valid peer key and both sides derive the same 32-byte secret', async () => {
    const a = await generateDeviceKeyPair();
    const b = await generateDeviceKeyPair();
    const ab = new Uint8Array(await deriveSharedSecret(a.privateKey, await importPeerPublicKey(b.publicKeyRaw)));
    const ba = new Uint8Array(await deriveSharedSecret(b.privateKey, await importPeerPublicKey(a.publicKeyRaw)));
    expect(ab).toHaveLength(32);
    expect(ab).toEqual(ba);
  });

  describe('rejects invalid public keys with InvalidPublicKeyError', () => {
    const valid = async () => (await generateDeviceKeyPair()).publicKeyRaw;

    it('wrong length (64, 66, 0)', async () => {
      const raw = await valid();
      for (const bad of [raw.slice(0, 64), new Uint8Array([...raw, 0]), new Uint8Array(0)]) {
        await expect(importPeerPublicKey(bad)).rejects.toBeInstanceOf(InvalidPublicKeyError);
      }
    });

    it('compressed prefix 0x02/0x03, even with the right X', async () => {
      const raw = await valid();
      const compressed = new Uint8Array([0x02 | (raw[64]! & 1), ...raw.slice(1, 33)]);
      await expect(importPeerPublicKey(compressed)).rejects.toBeInstanceOf(InvalidPublicKeyError);
      const prefixed = raw.slice();
      prefixed[0] = 0x02;
      await expect(importPeerPublicKey(prefixed)).rejects.toBeInstanceOf(InvalidPublicKeyError);
    });

    it('a point not on the curve', async () => {
      const raw = await valid();
      raw[64] = raw[64]! ^ 0x01;
      await expect(importPeerPublicKey(raw)).rejects.toBeInstanceOf(InvalidPublicKeyError);
    });

    it('all zeros, and 0x04 followed by zeros (the point at infinity is not a public key)', async () => {
      await expect(importPeerPublicKey(new Uint8Array(65))).rejects.toBeInstanceOf(InvalidPublicKeyError);
      const inf = new Uint8Array(65);
      inf[0] = 0x04;
      await expect(importPeerPublicKey(inf)).rejects.toBeInstanceOf(InvalidPublicKeyError);
    });
  });
});

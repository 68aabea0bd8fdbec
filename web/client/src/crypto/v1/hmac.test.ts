import { createHmac } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CryptoParameterError } from './errors';
import { hmacSha256, hmacSha256Each, importHmacSha256Key, verifyHmacSha256 } from './hmac';
import { randomBytes } from './random';

describe('HMAC-SHA-256', () => {
  it('agrees with node:crypto and verifies its own tags', async () => {
    for (const keyLength of [16, 32, 64, 65, 200]) {
      const raw = randomBytes(keyLength);
      const data = randomBytes(keyLength * 3);
      const key = await importHmacSha256Key(raw);
      const tag = await hmacSha256(key, data);
      expect(Buffer.from(tag)).toEqual(createHmac('sha256', raw).update(data).digest());
      expect(await verifyHmacSha256(key, data, tag)).toBe(true);
    }
  });

  it('hmacSha256Each: one tag per message under one key, as node:crypto computes them; short keys refused', async () => {
    const key = randomBytes(32);
    const messages = [Uint8Array.of(1), Uint8Array.of(2), new Uint8Array(0), randomBytes(300)];
    const tags = await hmacSha256Each(key, messages);
    expect(tags.map((t) => Buffer.from(t).toString('hex'))).toEqual(messages.map((m) => createHmac('sha256', key).update(m).digest('hex')));
    await expect(hmacSha256Each(randomBytes(15), messages)).rejects.toThrow(CryptoParameterError);
  });

  it('rejects a wrong tag, other data, and truncated or extended tags', async () => {
    const key = await importHmacSha256Key(randomBytes(32));
    const data = randomBytes(40);
    const tag = await hmacSha256(key, data);
    const wrong = Uint8Array.from(tag);
    wrong[31]! ^= 0x80;
    expect(await verifyHmacSha256(key, data, wrong)).toBe(false);
    expect(await verifyHmacSha256(key, data.subarray(1), tag)).toBe(false);
    // Truncated or extended tags are refused by our own length check, before Web Crypto compares anything.
    const verify = vi.spyOn(crypto.subtle, 'verify');
    try {
      expect(await verifyHmacSha256(key, data, tag.subarray(0, 16))).toBe(false);
      expect(await verifyHmacSha256(key, data, Uint8Array.from([...tag, 0]))).toBe(false);
      expect(await verifyHmacSha256(key, data, new Uint8Array(0))).toBe(false);
      expect(verify).not.toHaveBeenCalled();
    } finally {
      verify.mockRestore();
    }
  });

  it('keys are non-extractable and at least 16 bytes', async () => {
    const key = await importHmacSha256Key(randomBytes(32));
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    for (const len of [0, 1, 15]) await expect(importHmacSha256Key(randomBytes(len))).rejects.toBeInstanceOf(CryptoParameterError);
  });

  it('refuses an HMAC key over another hash', async () => {
    const sha1 = await crypto.subtle.importKey('raw', randomBytes(32), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign', 'verify']);
    await expect(hmacSha256(sha1, new Uint8Array(1))).rejects.toBeInstanceOf(CryptoParameterError);
  });
});

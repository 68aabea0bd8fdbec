import { describe, expect, it } from 'vitest';
import { Base64UrlError, fromBase64Url, toBase64Url } from './base64url';

describe('base64url', () => {
  it('round-trips every length 0..64 of random bytes', () => {
    for (let n = 0; n <= 64; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = toBase64Url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('uses the url-safe alphabet', () => {
    expect(toBase64Url(new Uint8Array([0xfb, 0xff, 0xbf]))).toBe('-_-_');
  });

  it.each(['a', 'ab=c', 'a+b/', 'ab c', 'é', 'AB'])('rejects %j', (bad) => {
    // 'AB' has non-zero trailing bits (canonical form of 0x00 is 'AA').
    expect(() => fromBase64Url(bad)).toThrow(Base64UrlError);
  });
});

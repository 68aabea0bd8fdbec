import { describe, expect, it } from 'vitest';
import { InvalidPayloadError } from './errors';
import { isBucketLength, MAX_PADDED_BYTES, MAX_UNPADDED_BYTES, padPlaintext, paddedLength, unpadPlaintext } from './padding';

describe('padding to size buckets', () => {
  it('powers of two from 256 B to 64 KiB, then multiples of 64 KiB up to 1 MiB', () => {
    const cases: [number, number][] = [
      [0, 256], [1, 256], [255, 256], [256, 512], [511, 512], [512, 1024], [1000, 1024], [1023, 1024],
      [4095, 4096], [32_767, 32_768], [32_768, 65_536], [65_535, 65_536], [65_536, 131_072], [131_071, 131_072],
      [131_072, 196_608], [MAX_UNPADDED_BYTES, MAX_PADDED_BYTES],
    ];
    for (const [content, bucket] of cases) expect([content, paddedLength(content)]).toEqual([content, bucket]);
    const buckets = [...new Set(Array.from({ length: 4113 }, (_, i) => paddedLength(Math.min(i * 255, MAX_UNPADDED_BYTES))))];
    expect(buckets).toEqual([256, 512, 1024, 2048, 4096, 8192, 16_384, 32_768, 65_536, 131_072, 196_608, 262_144, 327_680, 393_216, 458_752, 524_288, 589_824, 655_360, 720_896, 786_432, 851_968, 917_504, 983_040, 1_048_576]);
    expect(buckets.every(isBucketLength)).toBe(true);
    expect([0, 255, 257, 768, 98_304, MAX_PADDED_BYTES + 65_536].some(isBucketLength)).toBe(false);
    expect(() => paddedLength(MAX_PADDED_BYTES)).toThrow(InvalidPayloadError);
  });

  it('round trip for every content length near the bucket edges, ending in zeros or not', () => {
    for (const n of [0, 1, 254, 255, 256, 257, 1023, 1024, 65_534, 65_535, 65_536]) {
      for (const fill of [0x00, 0x80, 0x41]) {
        const content = new Uint8Array(n).fill(fill);
        const padded = padPlaintext(content);
        expect(padded.length).toBe(paddedLength(n));
        expect(padded[n]).toBe(0x80);
        expect(Buffer.from(unpadPlaintext(padded)).equals(Buffer.from(content))).toBe(true);
      }
    }
  });

  it('unpadding validates: bucket length, marker, zeros after it, smallest bucket', () => {
    const good = padPlaintext(new TextEncoder().encode('hello'));
    const mutate = (f: (b: Uint8Array) => Uint8Array) => () => unpadPlaintext(f(new Uint8Array(good)));
    expect(mutate((b) => b.subarray(0, 255))).toThrow(/bucket/);
    expect(mutate((b) => { b[5] = 0x81; return b; })).toThrow(InvalidPayloadError);
    expect(mutate((b) => { b[200] = 0x01; return b; })).toThrow(/marker/);
    expect(mutate((b) => { b.fill(0); return b; })).toThrow(/marker/);
    const overPadded = new Uint8Array(512);
    overPadded.set(new TextEncoder().encode('hello'));
    overPadded[5] = 0x80;
    expect(() => unpadPlaintext(overPadded)).toThrow(/beyond its bucket/);
  });
});

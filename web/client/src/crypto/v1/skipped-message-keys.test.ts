import { describe, expect, it } from 'vitest';
import { SkippedMessageKeys } from './skipped-message-keys';

const key = (n: number) => Uint8Array.of(n);

describe('SkippedMessageKeys', () => {
  it('gives each key out once', () => {
    const cache = new SkippedMessageKeys(10);
    cache.put(1, key(1));
    expect(cache.get(1)).toEqual(key(1));
    expect(cache.take(1)).toEqual(key(1));
    expect(cache.take(1)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest entries beyond capacity', () => {
    const cache = new SkippedMessageKeys(3);
    for (let i = 0; i < 5; i++) cache.put(i, key(i));
    expect(cache.size).toBe(3);
    expect([0, 1, 2, 3, 4].map((i) => cache.has(i))).toEqual([false, false, true, true, true]);
  });
});

import { describe, expect, it } from 'vitest';
import { orderLike } from './order-like';

describe('orderLike', () => {
  it('returns the items in the order of the keys', () => {
    const items = [{ k: 'b', v: 2 }, { k: 'c', v: 3 }, { k: 'a', v: 1 }];
    expect(orderLike(['a', 'b', 'c'], items, (i) => i.k).map((i) => i.v)).toEqual([1, 2, 3]);
  });
  it('throws when a key has no item', () => {
    expect(() => orderLike(['a', 'z'], [{ k: 'a' }], (i) => i.k)).toThrow(/z/);
  });
});

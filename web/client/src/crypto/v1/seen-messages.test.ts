import { describe, expect, it } from 'vitest';
import { SeenMessages } from './seen-messages';

describe('SeenMessages', () => {
  it('remembers ids and indices, forgetting the oldest beyond capacity', () => {
    const seen = new SeenMessages(2);
    seen.add('a', 0);
    seen.add('b', 1);
    expect([seen.hasId('a'), seen.hasIndex(1)]).toEqual([true, true]);
    seen.add('c', 5);
    expect([seen.hasId('a'), seen.hasIndex(0), seen.hasId('b'), seen.hasId('c'), seen.hasIndex(5)]).toEqual([false, false, true, true, true]);
  });
});

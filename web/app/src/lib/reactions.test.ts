import { describe, expect, it } from 'vitest';
import { QUICK_REACTIONS, reactedBy, reactionName } from './reactions';

describe('reactions', () => {
  it('names every quick reaction', () => {
    for (const emoji of QUICK_REACTIONS) expect(reactionName(emoji)).not.toBe(emoji);
    expect(reactionName('🦄')).toBe('🦄');
  });

  it('says who reacted, you first', () => {
    expect(reactedBy([], true)).toBe('You');
    expect(reactedBy(['bob'], true)).toBe('You and bob');
    expect(reactedBy(['bob', 'carol'], false)).toBe('bob and carol');
    expect(reactedBy(['bob', 'carol', 'dan'], true)).toBe('You, bob and 2 others');
    expect(reactedBy([], false)).toBe('Nobody');
  });
});

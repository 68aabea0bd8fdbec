import { describe, expect, it } from 'vitest';
import { SetIndex } from './set-index';

describe('SetIndex', () => {
  it('reports the first reference and the last release of a key', () => {
    const idx = new SetIndex();
    expect(idx.add('c1', 'a')).toBe(true);
    expect(idx.add('c1', 'b')).toBe(false);
    expect(idx.add('c1', 'b')).toBe(false);
    expect(idx.count('c1')).toBe(2);
    expect(idx.delete('c1', 'a')).toBe(false);
    expect(idx.delete('c1', 'b')).toBe(true);
    expect(idx.count('c1')).toBe(0);
    expect(idx.keys()).toEqual([]);
  });

  it('ignores removing a member that is not there', () => {
    const idx = new SetIndex();
    expect(idx.delete('nope', 'a')).toBe(false);
    idx.add('k', 'a');
    expect(idx.delete('k', 'z')).toBe(false);
    expect(idx.members('k')).toEqual(['a']);
  });

  it('returns snapshots that do not change under the caller', () => {
    const idx = new SetIndex();
    idx.add('k', 'a');
    const snap = idx.members('k');
    idx.add('k', 'b');
    expect(snap).toEqual(['a']);
    expect(idx.has('k', 'b')).toBe(true);
  });
});

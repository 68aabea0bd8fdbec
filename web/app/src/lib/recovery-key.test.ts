import { describe, expect, it } from 'vitest';
import { formatRecoveryKey, recoveryKeyGroups, recoveryKeyProgress } from './recovery-key';

const key = '04YQ 611W 7K9S 2MZD HX3N Q8RT VB5C 1PAE 6GWF K2JD 9TNS M4XR 7YQE 3HBV 8ZKC 0PDA';

describe('recoveryKeyGroups', () => {
  it('splits the SDK form into 16 groups of 4', () => {
    const groups = recoveryKeyGroups(key);
    expect(groups).toHaveLength(16);
    expect(groups[0]).toBe('04YQ');
    expect(groups.every((g) => g.length === 4)).toBe(true);
  });

  it('ignores the spacing, dashes and case it came with', () => {
    const messy = key.toLowerCase().replace(/ /g, '').replace(/(.{8})/g, '$1-');
    expect(recoveryKeyGroups(messy)).toEqual(recoveryKeyGroups(key));
    expect(formatRecoveryKey(`  ${key.replace(/ /g, '\n')} `)).toBe(key);
  });
});

describe('recoveryKeyProgress', () => {
  it('counts the characters typed so far, not the separators', () => {
    expect(recoveryKeyProgress('04YQ-611W 7K')).toEqual({ characters: 10, expected: 64 });
    expect(recoveryKeyProgress(key).characters).toBe(64);
  });
});

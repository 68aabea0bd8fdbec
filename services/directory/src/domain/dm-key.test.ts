import { describe, expect, it } from 'vitest';
import { dmKeyOf, isSameUser } from './dm-key';

const A = '0190f5c2-0000-7000-8000-000000000001';
const B = '0190F5C2-0000-7000-8000-000000000002';

describe('dmKeyOf', () => {
  it('is the same whichever side opens the DM', () => {
    expect(dmKeyOf(A, B)).toBe(dmKeyOf(B, A));
  });

  it('puts the smaller id first and lowercases both', () => {
    expect(dmKeyOf(B, A)).toBe(`${A}:${B.toLowerCase()}`);
  });

  it('refuses a DM with yourself, even with different casing', () => {
    expect(() => dmKeyOf(A, A.toUpperCase())).toThrow(/two different users/);
  });
});

describe('isSameUser', () => {
  it('compares ids case-insensitively', () => {
    expect(isSameUser(A, A.toUpperCase())).toBe(true);
    expect(isSameUser(A, B)).toBe(false);
  });
});

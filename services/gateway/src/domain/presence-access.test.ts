import { describe, expect, it } from 'vitest';
import { allowedWatchIds, presenceStateOf } from './presence-access';

describe('allowedWatchIds', () => {
  it('keeps contacts and self, drops strangers and duplicates', () => {
    const r = allowedWatchIds('me', ['bob', 'me', 'mallory', 'bob'], ['bob', 'carol']);
    expect(r.allowed).toEqual(['bob', 'me']);
    expect(r.denied).toEqual(['mallory']);
  });
  it('compares ids case-insensitively', () => {
    expect(allowedWatchIds('me', ['BOB'], ['bob']).allowed).toEqual(['bob']);
  });
  it('allows nothing but self without contacts', () => {
    expect(allowedWatchIds('me', ['x', 'y'], [])).toEqual({ allowed: [], denied: ['x', 'y'] });
  });
});

describe('presenceStateOf', () => {
  it('maps a transition to a presence state', () => {
    const at = '2025-01-01T00:00:00.000Z';
    expect(presenceStateOf({ v: 1, userId: 'u', online: false, at })).toEqual({ userId: 'u', online: false, lastSeenAt: at });
  });
});

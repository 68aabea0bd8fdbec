import { describe, expect, it } from 'vitest';
import { formatClock, formatLastSeen, formatShortDate } from './time';

const now = new Date(2025, 2, 10, 15, 30, 0); // 10 Mar 2025, 15:30 local time

describe('formatLastSeen', () => {
  it('says "just now" under a minute, and for a timestamp slightly in the future (clock skew)', () => {
    expect(formatLastSeen(new Date(2025, 2, 10, 15, 29, 30).toISOString(), now)).toBe('just now');
    expect(formatLastSeen(new Date(2025, 2, 10, 15, 31, 0).toISOString(), now)).toBe('just now');
  });

  it('counts whole minutes under an hour', () => {
    expect(formatLastSeen(new Date(2025, 2, 10, 15, 25, 0).toISOString(), now)).toBe('5 min ago');
    expect(formatLastSeen(new Date(2025, 2, 10, 14, 30, 30).toISOString(), now)).toBe('59 min ago');
  });

  it('uses today / yesterday / the date for older times', () => {
    const earlier = new Date(2025, 2, 10, 9, 5, 0);
    expect(formatLastSeen(earlier.toISOString(), now)).toBe(`today at ${formatClock(earlier.toISOString())}`);
    const yesterday = new Date(2025, 2, 9, 23, 50, 0);
    expect(formatLastSeen(yesterday.toISOString(), now)).toBe(`yesterday at ${formatClock(yesterday.toISOString())}`);
    const older = new Date(2025, 2, 3, 18, 40, 0);
    const text = formatLastSeen(older.toISOString(), now);
    expect(text).toMatch(/ at /);
    expect(text).not.toMatch(/^(today|yesterday)/);
  });

  it('treats yesterday across a month boundary correctly', () => {
    const firstOfMonth = new Date(2025, 3, 1, 8, 0, 0);
    const lastOfPrevious = new Date(2025, 2, 31, 22, 0, 0);
    expect(formatLastSeen(lastOfPrevious.toISOString(), firstOfMonth)).toBe(`yesterday at ${formatClock(lastOfPrevious.toISOString())}`);
  });

  it('never throws on a malformed timestamp', () => {
    expect(formatLastSeen('not a date', now)).toBe('a while ago');
    expect(formatClock('nope')).toBe('');
  });
});

describe('formatShortDate', () => {
  it('the time today, the day this year, the day and year before', () => {
    const today = new Date(2025, 2, 10, 9, 5, 0).toISOString();
    expect(formatShortDate(today, now)).toBe(formatClock(today));
    const thisYear = formatShortDate(new Date(2025, 0, 3, 18, 40, 0).toISOString(), now);
    expect(thisYear).toMatch(/3/);
    expect(thisYear).not.toMatch(/2025|:/);
    expect(formatShortDate(new Date(2024, 11, 31, 8, 0, 0).toISOString(), now)).toMatch(/2024/);
    expect(formatShortDate('nope', now)).toBe('');
  });
});

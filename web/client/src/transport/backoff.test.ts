import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay (full jitter)', () => {
  it('defaults to base 500 ms, factor 2, cap 30 s', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, factor: 2, capMs: 30_000 });
  });

  it('spans [0, base * 2^attempt) using the random source', () => {
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.5)).toBe(250);
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0.999999)).toBe(499);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.999999)).toBe(3999);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.25)).toBe(1000);
  });

  it('never exceeds the cap, however many attempts', () => {
    for (const attempt of [6, 10, 50, 1000]) {
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999)).toBeLessThan(30_000);
      expect(backoffDelay(attempt, DEFAULT_BACKOFF, () => 0.999999)).toBeGreaterThan(29_900);
    }
  });

  it('stays within bounds with the real random source and actually jitters', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(4);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(8000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(50);
  });
});

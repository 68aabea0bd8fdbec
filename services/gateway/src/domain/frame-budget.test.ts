import { describe, expect, it } from 'vitest';
import { FrameBudget } from './frame-budget';

/** Spend `n` frames at `at` ms and count the verdicts. */
function spend(budget: FrameBudget, n: number, at: number) {
  const counts = { accept: 0, drop: 0, close: 0 };
  for (let i = 0; i < n; i++) counts[budget.take(at).kind]++;
  return counts;
}

describe('FrameBudget', () => {
  it('allows a burst of `burst` frames at once, then drops with the seconds until the next token', () => {
    const budget = new FrameBudget({ perMinute: 100, burst: 20 }, 0);
    expect(spend(budget, 20, 0)).toEqual({ accept: 20, drop: 0, close: 0 });
    // 100 a minute is one token every 0.6 s: retry after 1 s (rounded up, never 0).
    expect(budget.take(0)).toEqual({ kind: 'drop', retryAfterSeconds: 1 });
  });

  it('refills at perMinute / 60 a second, never above the burst', () => {
    const budget = new FrameBudget({ perMinute: 60, burst: 5 }, 0);
    expect(spend(budget, 5, 0).accept).toBe(5);
    expect(budget.take(999).kind).toBe('drop');
    expect(budget.take(1_000).kind).toBe('accept');
    expect(budget.take(1_000).kind).toBe('drop');
    // An hour idle refills to the burst, not to 3600.
    expect(spend(budget, 10, 3_600_000)).toMatchObject({ accept: 5, drop: 5 });
  });

  it('sustains exactly the configured rate', () => {
    const budget = new FrameBudget({ perMinute: 120, burst: 1 }, 0);
    let accepted = 0;
    // A frame every 100 ms for a minute: 600 sent; the initial token plus 120 refilled ones are allowed.
    for (let t = 0; t <= 60_000; t += 100) if (budget.take(t).kind === 'accept') accepted++;
    expect(accepted).toBe(121);
  });

  it('tells a slow-refilling client to wait longer', () => {
    const budget = new FrameBudget({ perMinute: 6, burst: 1 }, 0);
    expect(budget.take(0).kind).toBe('accept');
    expect(budget.take(0)).toEqual({ kind: 'drop', retryAfterSeconds: 10 });
    expect(budget.take(4_000)).toEqual({ kind: 'drop', retryAfterSeconds: 6 });
  });

  it('answers a moderate excess without closing, and closes a flood far past the limit', () => {
    const budget = new FrameBudget({ perMinute: 100, burst: 20 }, 0);
    // 40 frames at once: 20 accepted, 20 dropped, still open.
    expect(spend(budget, 40, 0)).toEqual({ accept: 20, drop: 20, close: 0 });
    // Keep flooding: after perMinute + burst refused frames in all, the verdict is close.
    const flood = spend(budget, 101, 0);
    expect(flood.drop).toBe(100);
    expect(flood.close).toBe(1);
  });

  it('forgives refused frames over time, so a client that backs off is never closed', () => {
    const budget = new FrameBudget({ perMinute: 60, burst: 10 }, 0);
    let closes = 0;
    // Twice the allowed rate for ten minutes: half dropped, the excess drains as fast as it fills.
    for (let t = 0; t < 600_000; t += 500) if (budget.take(t).kind === 'close') closes++;
    expect(closes).toBe(0);
  });

  it('does not refill when the clock steps backwards', () => {
    const budget = new FrameBudget({ perMinute: 60, burst: 1 }, 10_000);
    expect(budget.take(10_000).kind).toBe('accept');
    expect(budget.take(0).kind).toBe('drop');
    expect(budget.take(10_500).kind).toBe('drop');
    expect(budget.take(11_000).kind).toBe('accept');
  });

  it('refuses a rule that could never admit a frame', () => {
    expect(() => new FrameBudget({ perMinute: 0, burst: 5 }, 0)).toThrow(RangeError);
    expect(() => new FrameBudget({ perMinute: 10, burst: 0 }, 0)).toThrow(RangeError);
  });
});

/** A connection's frame allowance: `perMinute` frames a minute on average, up to `burst` at once. */
export interface FrameBudgetRule {
  perMinute: number;
  burst: number;
}

/** What to do with one incoming frame. */
export type FrameVerdict =
  | { kind: 'accept' }
  /** Over the limit: drop the frame and tell the client when the budget allows a frame again. */
  | { kind: 'drop'; retryAfterSeconds: number }
  /** Far past the limit (a flood, not a burst): close the connection. */
  | { kind: 'close' };

/**
 * A token bucket per WebSocket connection. It starts full at `burst` tokens and refills at `perMinute / 60` tokens a
 * second; every frame the client sends (auth, pings, pongs, anything) takes one token.
 *
 * Refused frames fill a second bucket, `excess`, that drains at the same refill rate. A client that slows down when
 * told to (`retryAfterSeconds`) never fills it; one that keeps sending far faster than its allowance does, and is
 * closed once `excess` passes `perMinute + burst` (about a minute's worth of refused frames more than it could ever
 * drain). So a moderate excess is only answered, never punished with a close.
 */
export class FrameBudget {
  private tokens: number;
  private excess = 0;
  private updatedAt: number;
  private readonly perMs: number;
  private readonly floodLimit: number;

  constructor(
    private readonly rule: FrameBudgetRule,
    nowMs: number,
  ) {
    if (!(rule.perMinute > 0) || !(rule.burst >= 1)) throw new RangeError('frame budget needs perMinute > 0 and burst >= 1');
    this.tokens = rule.burst;
    this.updatedAt = nowMs;
    this.perMs = rule.perMinute / 60_000;
    this.floodLimit = rule.perMinute + rule.burst;
  }

  /** Spend one token for a frame that arrived at `nowMs`. */
  take(nowMs: number): FrameVerdict {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { kind: 'accept' };
    }
    this.excess += 1;
    if (this.excess > this.floodLimit) return { kind: 'close' };
    const msUntilToken = (1 - this.tokens) / this.perMs;
    return { kind: 'drop', retryAfterSeconds: Math.max(1, Math.ceil(msUntilToken / 1000)) };
  }

  private refill(nowMs: number): void {
    // A clock that steps backwards refills nothing (and never removes tokens).
    const elapsed = Math.max(0, nowMs - this.updatedAt);
    this.updatedAt = Math.max(this.updatedAt, nowMs);
    const refilled = elapsed * this.perMs;
    this.tokens = Math.min(this.rule.burst, this.tokens + refilled);
    this.excess = Math.max(0, this.excess - refilled);
  }
}

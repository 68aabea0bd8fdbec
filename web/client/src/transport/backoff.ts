/** Reconnect backoff: exponential with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"). */
export interface BackoffOptions {
  baseMs: number;
  factor: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, factor: 2, capMs: 30_000 };

/**
 * Delay before reconnect attempt `attempt` (0 for the first retry): a uniform random value in
 * [0, min(cap, base * factor^attempt)). Full jitter spreads a crowd of clients that lost the same server.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.capMs, opts.baseMs * opts.factor ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

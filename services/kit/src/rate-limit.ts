import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError, UnavailableError } from './errors';

/** A limit: `points` requests per `durationSeconds`, per key. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface RateLimiter {
  /**
   * Spend one point of `key`'s budget. Rejects with RateLimitedError (429, `Retry-After`) when the budget is
   * spent, and with UnavailableError (503) when Redis cannot answer: limits fail closed, never open.
   */
  consume(key: string): Promise<void>;
  /** Forget `key`'s spending (a successful login clears its username's failures, for example). */
  reset(key: string): Promise<void>;
}

/**
 * A fixed-window limiter whose counters live in Redis, so every instance of a service shares them.
 * Built on rate-limiter-flexible; `name` keeps the key spaces of different limits apart.
 */
export function createRateLimiter(redis: Redis, name: string, rule: RateLimitRule): RateLimiter {
  const limiter = new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: false,
    keyPrefix: `cl:rl:${name}`,
    points: rule.points,
    duration: rule.durationSeconds,
    // No in-memory insurance limiter: when Redis is down we answer 503 instead of silently loosening limits.
    rejectIfRedisNotReady: true,
  });
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
      } catch (res) {
        if (res instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
        throw new UnavailableError('rate limiter unavailable, retry later', { cause: res });
      }
    },
    async reset(key) {
      try {
        await limiter.delete(key);
      } catch (err) {
        throw new UnavailableError('rate limiter unavailable, retry later', { cause: err });
      }
    },
  };
}

/**
 * The per-user budget of authenticated API requests. Every service builds it with the same name, so a user has one
 * budget across the whole API (all services, all instances), not one per service.
 */
export function createApiRateLimiter(redis: Redis, perMinute: number): RateLimiter {
  return createRateLimiter(redis, 'api', { points: perMinute, durationSeconds: 60 });
}

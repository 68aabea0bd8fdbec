import { createRateLimiter, type FastifyRequest, type RateLimiter, type Redis } from '@cipherlink/kit';
import { ipRateLimitKey } from '../domain/ip-location';

/** The routes whose per-IP budgets are counted apart (one flood of logins does not block refreshes). */
export type LimitedRoute = 'login' | 'register' | 'refresh' | 'password' | 'account-delete';

export interface AuthRateLimits {
  /** preHandler spending one point of the client IP's budget for `route` (req.ip honours TRUST_PROXY). */
  perIp(route: LimitedRoute): (req: FastifyRequest) => Promise<void>;
  /** Spend one point of a username's budget for `route`, whichever IPs the attempts come from. */
  perUsername(route: LimitedRoute, username: string): Promise<void>;
}

/**
 * Limits on the credential endpoints, in Redis so every auth instance shares them: `pointsPerMinute` requests per
 * minute per client IP (IPv6 by /64) and per username, for each route. Over the budget: 429 with Retry-After; Redis
 * down: 503 (limits fail closed). Logout and logout-all are deliberately not limited: signing out must always work.
 */
export function createAuthRateLimits(redis: Redis, pointsPerMinute: number): AuthRateLimits {
  const rule = { points: pointsPerMinute, durationSeconds: 60 };
  const byIp: RateLimiter = createRateLimiter(redis, 'auth-ip', rule);
  const byUsername: RateLimiter = createRateLimiter(redis, 'auth-user', rule);
  return {
    perIp: (route) => async (req) => byIp.consume(`${route}:${ipRateLimitKey(req.ip)}`),
    perUsername: (route, username) => byUsername.consume(`${route}:${username.toLowerCase()}`),
  };
}

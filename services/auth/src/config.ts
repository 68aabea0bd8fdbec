import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const AuthEnv = z.object({
  ...processVars,
  DATABASE_URL: envVars.DATABASE_URL,
  NATS_URL: envVars.NATS_URL,
  /** Deny-list of ended sessions and the rate-limit counters (shared by every instance). */
  REDIS_URL: envVars.REDIS_URL,
  ALLOWED_ORIGINS: envVars.ALLOWED_ORIGINS,
  /** Per-user budget of authenticated API requests per minute (`api` limiter, shared with every service). */
  RATE_LIMIT_API_PER_MINUTE: envVars.RATE_LIMIT_API_PER_MINUTE,
  /** Requests per minute to login/register/refresh/password/account-delete, per client IP and per username. */
  AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Lifetime of an access token (JWT). Short values are for tests. */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(5).max(24 * 3600).default(900),
  /** Absolute lifetime of a session: its refresh tokens stop working this long after sign-in, however often used. */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long after its rotation a refresh token may be replayed by a racing tab and get the same successor. */
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(10).default(10),
  /** Delay between publishing a rotated signing key and signing with it (`rotate-signing-key`). */
  SIGNING_KEY_PUBLISH_SECONDS: z.coerce.number().int().min(0).max(24 * 3600).default(60),
  /** `auto`: the refresh cookie is Secure when the request came over https (honours TRUST_PROXY upstream). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
});

/** Validated configuration of the auth service. */
export type AuthConfig = z.output<typeof AuthEnv>;

/** Read the auth service's variables from `env`; throws ConfigError naming any bad variable. */
export const loadAuthConfig = (env: Record<string, string | undefined>): AuthConfig => loadConfig(AuthEnv, env);

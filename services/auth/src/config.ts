import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const AuthEnv = z.object({
  ...processVars,
  DATABASE_URL: envVars.DATABASE_URL,
  NATS_URL: envVars.NATS_URL,
  ALLOWED_ORIGINS: envVars.ALLOWED_ORIGINS,
  /** Lifetime of an access token (JWT). */
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(24 * 3600).default(900),
  /** Lifetime of each refresh token (sliding: every rotation issues a token with a fresh lifetime). */
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How long after its rotation a refresh token may be replayed by a racing tab without counting as reuse. */
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** `auto`: the refresh cookie is Secure when the request came over https (honours TRUST_PROXY upstream). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
});

/** Validated configuration of the auth service. */
export type AuthConfig = z.output<typeof AuthEnv>;

/** Read the auth service's variables from `env`; throws ConfigError naming any bad variable. */
export const loadAuthConfig = (env: Record<string, string | undefined>): AuthConfig => loadConfig(AuthEnv, env);

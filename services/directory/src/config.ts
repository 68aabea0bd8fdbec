import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const DirectoryEnv = z.object({
  ...processVars,
  DATABASE_URL: envVars.DATABASE_URL,
  NATS_URL: envVars.NATS_URL,
  /** Access-token deny-list and the per-user API rate limit; both fail closed (503) when Redis is down. */
  REDIS_URL: envVars.REDIS_URL,
  RATE_LIMIT_API_PER_MINUTE: envVars.RATE_LIMIT_API_PER_MINUTE,
});

/** The directory service's validated configuration. */
export type DirectoryConfig = z.output<typeof DirectoryEnv>;

/** Read and validate the directory's variables; a bad value throws a ConfigError naming it. */
export const loadDirectoryConfig = (env: Record<string, string | undefined>): DirectoryConfig => loadConfig(DirectoryEnv, env);

import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';

const PresenceEnv = z.object({
  ...processVars,
  REDIS_URL: envVars.REDIS_URL,
  NATS_URL: envVars.NATS_URL,
  /** A connection entry expires unless the gateway heartbeats it (it does so every 20 s). */
  PRESENCE_TTL_SECONDS: z.coerce.number().positive().default(60),
  /** How often expired connections are swept into offline events. */
  PRESENCE_SWEEP_MS: z.coerce.number().int().min(50).default(5000),
});

/** The presence service's validated configuration. */
export type PresenceConfig = z.output<typeof PresenceEnv>;

/** Read and validate presence's variables; a bad value throws a ConfigError naming it. */
export const loadPresenceConfig = (env: Record<string, string | undefined>): PresenceConfig => loadConfig(PresenceEnv, env);

import { z } from 'zod';
import { envVars, loadConfig, processVars } from '@cipherlink/kit';
import { MIN_KEY_PACKAGE_RETENTION_DAYS } from '@cipherlink/proto';

const MessageStoreEnv = z
  .object({
    ...processVars,
    DATABASE_URL: envVars.DATABASE_URL,
    NATS_URL: envVars.NATS_URL,
    /** Access-token deny-list and the per-user API rate limit; both fail closed (503) when Redis is down. */
    REDIS_URL: envVars.REDIS_URL,
    RATE_LIMIT_API_PER_MINUTE: envVars.RATE_LIMIT_API_PER_MINUTE,
    /** Which adapter keeps the ciphertext history. */
    MESSAGE_STORE: z.enum(['postgres', 'mongodb']).default('postgres'),
    /** Required when MESSAGE_STORE=mongodb. */
    MONGO_URL: z.string().min(1).optional(),
    MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a MongoDB database name').default('cipherlink'),
    /** Commands stored in parallel (different conversations only; one conversation stays in order). */
    MESSAGE_CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
    /**
     * Days a sender-key distribution is kept (at least 30): a device offline that long still finds the keys sent to
     * it; older epochs' keys come from the user's key backup.
     */
    KEY_PACKAGE_RETENTION_DAYS: z.coerce.number().int().min(MIN_KEY_PACKAGE_RETENTION_DAYS).max(3650).default(90),
  })
  .superRefine((env, ctx) => {
    if (env.MESSAGE_STORE === 'mongodb' && !env.MONGO_URL) {
      ctx.addIssue({ code: 'custom', path: ['MONGO_URL'], message: 'required when MESSAGE_STORE=mongodb' });
    }
  });

/** Validated configuration of the message-store service. */
export type MessageStoreConfig = z.output<typeof MessageStoreEnv>;

/** Read and validate the message-store variables; throws ConfigError naming the bad variable. */
export const loadMessageStoreConfig = (env: Record<string, string | undefined>): MessageStoreConfig => loadConfig(MessageStoreEnv, env);

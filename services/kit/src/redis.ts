import { Redis } from 'ioredis';
import type { Logger } from './logger';

/**
 * A Redis connection for request-path checks (deny-list, rate limits) that fails fast instead of queueing:
 * while Redis is unreachable every command rejects at once (no offline queue, one attempt, a short timeout), so
 * callers can answer 503 ("fail closed") rather than hang or let a request through unchecked.
 */
export function createRedis(url: string, opts: { name: string; logger: Logger; commandTimeoutMs?: number }): Redis {
  const redis = new Redis(url, {
    connectionName: opts.name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: opts.commandTimeoutMs ?? 1_000,
    // Keep reconnecting in the background (capped), so service resumes by itself when Redis comes back.
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let reported = false;
  redis.on('error', (err: Error) => {
    // One line per outage, not one per reconnect attempt.
    if (!reported) opts.logger.warn({ err: { message: err.message } }, 'redis unavailable');
    reported = true;
  });
  redis.on('ready', () => {
    if (reported) opts.logger.info('redis available again');
    reported = false;
  });
  return redis;
}

/** Connect a client made by createRedis; resolves when it is ready. */
export async function connectRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait') await redis.connect();
}

/** QUIT when connected; a client that never connected, or cannot reach Redis now, is just disconnected. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'wait') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}

/** /readyz check for a Redis connection. */
export const redisReadiness = (redis: Redis) => ({
  name: 'redis',
  check: async () => {
    if ((await redis.ping()) !== 'PONG') throw new Error('redis did not answer PONG');
  },
});

export type { Redis };

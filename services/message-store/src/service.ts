import {
  natsReadiness,
  callRpc,
  connectNats,
  connectRedis,
  createAccessTokenVerifier,
  createRateLimiter,
  createRedis,
  createRevocationList,
  ensureStream,
  redisReadiness,
  watchSigningKeys,
  type DurableConsumer,
  type Logger,
  type Nats,
  type Redis,
  type Service,
} from '@cipherlink/kit';
import { rpc, streams } from '@cipherlink/proto';
import type { MessageStoreConfig } from './config';
import { createDirectoryMembership } from './handlers/directory-membership';
import { historyRoutes } from './handlers/history-routes';
import { startSendCommandConsumer } from './handlers/send-command-consumer';
import { createStore } from './store/create-store';

/**
 * The message-store service: consumes message commands from JetStream, stores ciphertext with per-conversation
 * seqs (PostgreSQL or MongoDB), publishes stored events and serves history to members.
 */
export function createMessageStoreService(config: MessageStoreConfig, deps: { logger: Logger }): Service {
  const log = deps.logger;
  const store = createStore(config, { logger: log });
  // Deny-list and rate-limit counters; fail-fast, so a Redis outage answers 503 instead of hanging or letting through.
  const redis = createRedis(config.REDIS_URL, { name: 'message-store', logger: log });
  let nats: Nats | undefined;
  let consumer: DurableConsumer | undefined;
  let signingKeysSub: { unsubscribe(): void } | undefined;

  const connected = (): Nats => {
    if (!nats) throw new Error('message-store is not started');
    return nats;
  };
  const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(connected(), rpc.authJwks, {}), revocations: createRevocationList(redis) });
  const apiLimiter = createRateLimiter(redis, 'api', { points: config.RATE_LIMIT_API_PER_MINUTE, durationSeconds: 60 });

  /** Stop taking commands first (in-flight ones finish and ack), then drain NATS; also undoes a failed start(). */
  async function disconnect(): Promise<void> {
    signingKeysSub?.unsubscribe();
    signingKeysSub = undefined;
    await consumer?.stop();
    consumer = undefined;
    await nats?.close();
    nats = undefined;
    await closeRedis(redis);
  }

  return {
    name: 'message-store',

    async migrate() {
      // PostgreSQL: node-pg-migrate; MongoDB: indexes. Both idempotent.
      await store.migrate();
    },

    async start() {
      try {
        await connectRedis(redis);
        nats = await connectNats({ url: config.NATS_URL, name: 'message-store', logger: log });
        await ensureStream(nats.jsm, { ...streams.messageCommands, workQueue: true });
        await ensureStream(nats.jsm, streams.events);
        signingKeysSub = watchSigningKeys(nats, verifier, log);
        consumer = await startSendCommandConsumer(nats, store, { logger: log, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY });
      } catch (err) {
        await disconnect().catch(() => undefined);
        throw err;
      }
      log.info({ store: config.MESSAGE_STORE, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY }, 'message-store started');
    },

    routes: historyRoutes({ verifier, apiLimiter, store, isMember: createDirectoryMembership(connected) }),

    readiness() {
      return [
        { name: 'store', check: () => store.ping() },
        natsReadiness(() => nats),
        redisReadiness(redis),
      ];
    },

    async stop() {
      await disconnect();
      await store.close();
    },
  };
}

/** QUIT when connected; a client that never connected, or cannot reach Redis now, is just disconnected. */
async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status === 'wait') return redis.disconnect();
  await redis.quit().catch(() => redis.disconnect());
}

import {
  callRpc,
  closeRedis,
  connectNats,
  connectRedis,
  createAccessTokenVerifier,
  createApiRateLimiter,
  createRedis,
  createRevocationList,
  type DurableConsumer,
  ensureStream,
  type Logger,
  type Nats,
  natsReadiness,
  redisReadiness,
  type Service,
  watchSigningKeys,
} from '@cipherlink/kit';
import { rpc, streams } from '@cipherlink/proto';
import type { MessageStoreConfig } from './config';
import { createDirectoryDeviceOwnership } from './handlers/device-ownership';
import { createDirectoryMembership } from './handlers/directory-membership';
import { historyRoutes } from './handlers/history-routes';
import { serveKeyPackageRpc } from './handlers/key-package-rpc';
import { keyPackageRoutes } from './handlers/key-package-routes';
import { startSendCommandConsumer } from './handlers/send-command-consumer';
import { createStore } from './store/create-store';

const DAY_MS = 24 * 3600_000;
const KEY_PACKAGE_PURGE_INTERVAL_MS = 3600_000;

/**
 * The message-store service: consumes message commands from JetStream, stores ciphertext with per-conversation
 * seqs (PostgreSQL or MongoDB), publishes stored events and serves history to members. It also stores sender-key
 * distribution packages (an RPC from the gateway), announces them for live delivery and serves them to their
 * recipient device, purging them after KEY_PACKAGE_RETENTION_DAYS.
 */
export function createMessageStoreService(config: MessageStoreConfig, deps: { logger: Logger }): Service {
  const log = deps.logger;
  const store = createStore(config, { logger: log });
  // Deny-list and rate-limit counters; fail-fast, so a Redis outage answers 503 instead of hanging or letting through.
  const redis = createRedis(config.REDIS_URL, { name: 'message-store', logger: log });
  let nats: Nats | undefined;
  let consumer: DurableConsumer | undefined;
  let subscriptions: { unsubscribe(): void }[] = [];
  let purgeTimer: NodeJS.Timeout | undefined;

  const connected = (): Nats => {
    if (!nats) throw new Error('message-store is not started');
    return nats;
  };
  const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(connected(), rpc.authJwks, {}), revocations: createRevocationList(redis) });
  const apiLimiter = createApiRateLimiter(redis, config.RATE_LIMIT_API_PER_MINUTE);

  /** Drop key packages past their retention (every instance may run it; the delete is idempotent). */
  async function purgeKeyPackages(): Promise<void> {
    try {
      const purged = await store.purgeKeyPackages(new Date(Date.now() - config.KEY_PACKAGE_RETENTION_DAYS * DAY_MS));
      if (purged) log.info({ purged, retentionDays: config.KEY_PACKAGE_RETENTION_DAYS }, 'expired key packages purged');
    } catch (err) {
      log.warn({ err }, 'key package purge failed; retrying at the next interval');
    }
  }

  /** Stop taking commands first (in-flight ones finish and ack), then drain NATS; also undoes a failed start(). */
  async function disconnect(): Promise<void> {
    clearInterval(purgeTimer);
    purgeTimer = undefined;
    for (const sub of subscriptions) sub.unsubscribe();
    subscriptions = [];
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
        subscriptions = [watchSigningKeys(nats, verifier, log), serveKeyPackageRpc(nats, store, log)];
        consumer = await startSendCommandConsumer(nats, store, { logger: log, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY });
        purgeTimer = setInterval(() => void purgeKeyPackages(), KEY_PACKAGE_PURGE_INTERVAL_MS);
        purgeTimer.unref();
        void purgeKeyPackages();
      } catch (err) {
        await disconnect().catch(() => undefined);
        throw err;
      }
      log.info({ store: config.MESSAGE_STORE, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY }, 'message-store started');
    },

    routes: async (app) => {
      await app.register(keyPackageRoutes({ verifier, apiLimiter, store, ownsDevice: createDirectoryDeviceOwnership(connected) }));
      await app.register(historyRoutes({ verifier, apiLimiter, store, isMember: createDirectoryMembership(connected) }));
    },

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

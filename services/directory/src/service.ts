import { fileURLToPath } from 'node:url';
import {
  type AccessTokenVerifier,
  callRpc,
  closeRedis,
  connectNats,
  connectRedis,
  createAccessTokenVerifier,
  createApiRateLimiter,
  createPgPool,
  createRedis,
  createRevocationList,
  type DurableConsumer,
  ensureStream,
  type Logger,
  migrate,
  type Nats,
  natsReadiness,
  redisReadiness,
  type Service,
  watchSigningKeys,
} from '@cipherlink/kit';
import { rpc, streams } from '@cipherlink/proto';
import type { DirectoryConfig } from './config';
import { directoryRoutes } from './handlers/directory-routes';
import { serveDirectoryRpc } from './handlers/rpc-endpoints';
import { startUserDeletedConsumer } from './handlers/user-deleted-consumer';
import { startUserRegisteredConsumer } from './handlers/user-registered-consumer';
import { createDirectoryStore } from './store/directory-store';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

export interface DirectoryDeps {
  logger: Logger;
  /** Replaces the JWKS-over-NATS verifier (tests that sign their own tokens). */
  verifier?: AccessTokenVerifier;
}

/**
 * The directory service: users (mirrored from auth), devices and their public keys, conversations and membership.
 * Serves `/api/directory/*`, the `cl.rpc.directory.v1.*` endpoints, and consumes `user-registered` and
 * `user-deleted`.
 */
export function createDirectoryService(config: DirectoryConfig, deps: DirectoryDeps): Service {
  const logger = deps.logger;
  const pool = createPgPool(config.DATABASE_URL, { applicationName: 'cipherlink-directory' });
  const store = createDirectoryStore(pool);
  // Deny-list and rate-limit counters; fail-fast, so a Redis outage answers 503 instead of hanging or letting through.
  const redis = createRedis(config.REDIS_URL, { name: 'directory', logger });
  let nats: Nats | undefined;
  let consumers: DurableConsumer[] = [];
  let subscriptions: { unsubscribe(): void }[] = [];

  const requireNats = (): Nats => {
    if (!nats) throw new Error('directory service is not started');
    return nats;
  };
  const verifier =
    deps.verifier ??
    createAccessTokenVerifier({ fetchJwks: () => callRpc(requireNats(), rpc.authJwks, {}), revocations: createRevocationList(redis) });
  const apiLimiter = createApiRateLimiter(redis, config.RATE_LIMIT_API_PER_MINUTE);

  /** Everything start() opened, in reverse; also undoes a start() that failed half-way. */
  async function disconnect(): Promise<void> {
    for (const s of subscriptions) s.unsubscribe();
    subscriptions = [];
    for (const c of consumers) await c.stop();
    consumers = [];
    await nats?.close();
    nats = undefined;
    await closeRedis(redis);
  }

  return {
    name: 'directory',
    migrate: () => migrate({ databaseUrl: config.DATABASE_URL, dir: MIGRATIONS_DIR, service: 'directory', logger }),
    async start() {
      try {
        await connectRedis(redis);
        nats = await connectNats({ url: config.NATS_URL, name: 'directory', logger });
        await ensureStream(nats.jsm, streams.events);
        subscriptions = [...serveDirectoryRpc(nats, store, logger), watchSigningKeys(nats, verifier, logger)];
        consumers.push(await startUserRegisteredConsumer(nats, store.users, logger));
        consumers.push(await startUserDeletedConsumer(nats, store.users, logger));
      } catch (err) {
        await disconnect().catch(() => undefined);
        throw err;
      }
      logger.info('directory started');
    },
    routes: directoryRoutes({ store, verifier, apiLimiter, nats: requireNats, logger }),
    readiness: () => [
      { name: 'postgres', check: () => store.ping() },
      natsReadiness(() => nats),
      redisReadiness(redis),
    ],
    async stop() {
      await disconnect();
      await pool.end();
    },
  };
}

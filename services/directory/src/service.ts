import { fileURLToPath } from 'node:url';
import {
  callRpc,
  connectNats,
  createAccessTokenVerifier,
  createPgPool,
  ensureStream,
  migrate,
  natsReadiness,
  type AccessTokenVerifier,
  type DurableConsumer,
  type Logger,
  type Nats,
  type Service,
} from '@cipherlink/kit';
import { rpc, streams } from '@cipherlink/proto';
import type { DirectoryConfig } from './config';
import { directoryRoutes } from './handlers/directory-routes';
import { serveDirectoryRpc } from './handlers/rpc-endpoints';
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
 * Serves `/api/directory/*`, the `cl.rpc.directory.v1.*` endpoints, and consumes `user-registered`.
 */
export function createDirectoryService(config: DirectoryConfig, deps: DirectoryDeps): Service {
  const logger = deps.logger;
  const pool = createPgPool(config.DATABASE_URL, { applicationName: 'cipherlink-directory' });
  const store = createDirectoryStore(pool);
  let nats: Nats | undefined;
  let consumer: DurableConsumer | undefined;
  let subscriptions: { unsubscribe(): void }[] = [];

  const requireNats = (): Nats => {
    if (!nats) throw new Error('directory service is not started');
    return nats;
  };
  const verifier = deps.verifier ?? createAccessTokenVerifier({ fetchJwks: () => callRpc(requireNats(), rpc.authJwks, {}) });

  return {
    name: 'directory',
    migrate: () => migrate({ databaseUrl: config.DATABASE_URL, dir: MIGRATIONS_DIR, service: 'directory', logger }),
    async start() {
      nats = await connectNats({ url: config.NATS_URL, name: 'directory', logger });
      await ensureStream(nats.jsm, streams.events);
      subscriptions = serveDirectoryRpc(nats, store, logger);
      consumer = await startUserRegisteredConsumer(nats, store.users, logger);
      logger.info('directory started');
    },
    routes: directoryRoutes({ store, verifier, nats: requireNats, logger }),
    readiness: () => [
      { name: 'postgres', check: () => store.ping() },
      natsReadiness(() => nats),
    ],
    async stop() {
      for (const s of subscriptions) s.unsubscribe();
      subscriptions = [];
      await consumer?.stop();
      consumer = undefined;
      await nats?.close();
      nats = undefined;
      await pool.end();
    },
  };
}

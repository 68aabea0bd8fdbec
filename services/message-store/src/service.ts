import {
  natsReadiness,
  callRpc,
  connectNats,
  createAccessTokenVerifier,
  ensureStream,
  type DurableConsumer,
  type Logger,
  type Nats,
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
  let nats: Nats | undefined;
  let consumer: DurableConsumer | undefined;

  const connected = (): Nats => {
    if (!nats) throw new Error('message-store is not started');
    return nats;
  };
  const verifier = createAccessTokenVerifier({ fetchJwks: () => callRpc(connected(), rpc.authJwks, {}) });

  return {
    name: 'message-store',

    async migrate() {
      // PostgreSQL: node-pg-migrate; MongoDB: indexes. Both idempotent.
      await store.migrate();
    },

    async start() {
      nats = await connectNats({ url: config.NATS_URL, name: 'message-store', logger: log });
      await ensureStream(nats.jsm, { ...streams.messageCommands, workQueue: true });
      await ensureStream(nats.jsm, streams.events);
      consumer = await startSendCommandConsumer(nats, store, { logger: log, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY });
      log.info({ store: config.MESSAGE_STORE, concurrency: config.MESSAGE_CONSUMER_CONCURRENCY }, 'message-store started');
    },

    routes: historyRoutes({ verifier, store, isMember: createDirectoryMembership(connected) }),

    readiness() {
      return [
        { name: 'store', check: () => store.ping() },
        natsReadiness(() => nats),
      ];
    },

    async stop() {
      // Stop taking commands first (in-flight ones finish and ack), then drain NATS, then close the database.
      await consumer?.stop();
      await nats?.close();
      await store.close();
      consumer = undefined;
      nats = undefined;
    },
  };
}

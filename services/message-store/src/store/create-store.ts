import type { Logger } from '@cipherlink/kit';
import type { MessageStoreConfig } from '../config';
import type { MessageStore } from './message-store';
import { createMongoMessageStore } from './mongo-store';
import { createPostgresMessageStore } from './postgres-store';

/** The adapter selected by `MESSAGE_STORE`. */
export function createStore(config: MessageStoreConfig, deps: { logger: Logger }): MessageStore {
  if (config.MESSAGE_STORE === 'mongodb') {
    // loadMessageStoreConfig already refuses mongodb without MONGO_URL; this guards hand-built configs.
    if (!config.MONGO_URL) throw new Error('MONGO_URL is required when MESSAGE_STORE=mongodb');
    return createMongoMessageStore({ url: config.MONGO_URL, dbName: config.MONGO_DB });
  }
  // Room for every concurrent command handler plus history reads.
  return createPostgresMessageStore({ databaseUrl: config.DATABASE_URL, logger: deps.logger, poolSize: config.MESSAGE_CONSUMER_CONCURRENCY + 4 });
}

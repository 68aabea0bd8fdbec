import { describe } from 'vitest';
import { MongoClient } from 'mongodb';
import { createLogger } from '@cipherlink/kit';
import { createMongoMessageStore } from '../src/store/mongo-store';
import { createPostgresMessageStore } from '../src/store/postgres-store';
import { dockerReachable } from './docker';
import { defineStoreContract } from './store-contract';

const logger = createLogger({ name: 'message-store-test', level: 'silent' });

describe('PostgreSQL message store contract', () => {
  defineStoreContract(async () => {
    const store = createPostgresMessageStore({ databaseUrl: process.env.DATABASE_URL!, logger, poolSize: 20 });
    await store.migrate();
    return { store, dispose: () => store.close() };
  });
});

// MongoDB: an explicit server (MONGO_URL) or a throwaway one from testcontainers. Nothing is faked: without either,
// the suite is reported as skipped with the reason in its name.
const mongoUrl = process.env.MONGO_URL;
const docker = mongoUrl ? false : await dockerReachable();
const SKIPPED = 'MongoDB message store contract (skipped: no MongoDB (set MONGO_URL or provide a Docker engine))';

describe.skipIf(!mongoUrl && !docker)(mongoUrl || docker ? 'MongoDB message store contract' : SKIPPED, () => {
  defineStoreContract(async () => {
    let url = mongoUrl;
    let stopContainer = async () => undefined as unknown;
    if (!url) {
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const container = await new MongoDBContainer('mongo:8').start();
      url = container.getConnectionString();
      stopContainer = () => container.stop();
    }
    // A fresh database per run keeps the suite independent of earlier runs; it is dropped afterwards.
    const dbName = `cipherlink_test_${Date.now().toString(36)}`;
    const store = createMongoMessageStore({ url, dbName });
    await store.migrate();
    return {
      store,
      dispose: async () => {
        await store.close();
        const admin = new MongoClient(url);
        await admin.db(dbName).dropDatabase().finally(() => admin.close());
        await stopContainer();
      },
    };
  });
});

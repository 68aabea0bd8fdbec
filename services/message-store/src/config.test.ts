import { describe, expect, it } from 'vitest';
import { ConfigError } from '@cipherlink/kit';
import { loadMessageStoreConfig } from './config';

describe('loadMessageStoreConfig', () => {
  it('defaults to PostgreSQL with 16 concurrent handlers', () => {
    const c = loadMessageStoreConfig({});
    expect(c.MESSAGE_STORE).toBe('postgres');
    expect(c.MESSAGE_CONSUMER_CONCURRENCY).toBe(16);
    expect(c.MONGO_DB).toBe('cipherlink');
    expect(c.MONGO_URL).toBeUndefined();
    expect(c.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(c.RATE_LIMIT_API_PER_MINUTE).toBe(120);
  });

  it('reads the shared API rate limit and refuses a zero or non-numeric one', () => {
    expect(loadMessageStoreConfig({ RATE_LIMIT_API_PER_MINUTE: '30' }).RATE_LIMIT_API_PER_MINUTE).toBe(30);
    expect(() => loadMessageStoreConfig({ RATE_LIMIT_API_PER_MINUTE: '0' })).toThrow(/RATE_LIMIT_API_PER_MINUTE/);
    expect(() => loadMessageStoreConfig({ RATE_LIMIT_API_PER_MINUTE: 'lots' })).toThrow(/RATE_LIMIT_API_PER_MINUTE/);
  });

  it('keeps key packages 90 days by default and never fewer than 30', () => {
    expect(loadMessageStoreConfig({}).KEY_PACKAGE_RETENTION_DAYS).toBe(90);
    expect(loadMessageStoreConfig({ KEY_PACKAGE_RETENTION_DAYS: '30' }).KEY_PACKAGE_RETENTION_DAYS).toBe(30);
    expect(() => loadMessageStoreConfig({ KEY_PACKAGE_RETENTION_DAYS: '29' })).toThrow(/KEY_PACKAGE_RETENTION_DAYS/);
  });

  it('requires MONGO_URL when MESSAGE_STORE=mongodb, naming the variable', () => {
    expect(() => loadMessageStoreConfig({ MESSAGE_STORE: 'mongodb' })).toThrow(ConfigError);
    expect(() => loadMessageStoreConfig({ MESSAGE_STORE: 'mongodb' })).toThrow(/MONGO_URL: required when MESSAGE_STORE=mongodb/);
    const c = loadMessageStoreConfig({ MESSAGE_STORE: 'mongodb', MONGO_URL: 'mongodb://db:27017', MONGO_DB: 'chat' });
    expect(c.MONGO_URL).toBe('mongodb://db:27017');
    expect(c.MONGO_DB).toBe('chat');
  });

  it('rejects an unknown store and a bad concurrency', () => {
    expect(() => loadMessageStoreConfig({ MESSAGE_STORE: 'redis' })).toThrow(/MESSAGE_STORE/);
    expect(() => loadMessageStoreConfig({ MESSAGE_CONSUMER_CONCURRENCY: '0' })).toThrow(/MESSAGE_CONSUMER_CONCURRENCY/);
    expect(() => loadMessageStoreConfig({ MESSAGE_CONSUMER_CONCURRENCY: 'many' })).toThrow(/MESSAGE_CONSUMER_CONCURRENCY/);
    expect(loadMessageStoreConfig({ MESSAGE_CONSUMER_CONCURRENCY: '4' }).MESSAGE_CONSUMER_CONCURRENCY).toBe(4);
  });
});

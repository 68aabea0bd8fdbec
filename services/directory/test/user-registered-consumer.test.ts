import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, createPgPool, ensureStream, migrate, publishDurable, type DurableConsumer, type Nats, type PgPool } from '@cipherlink/kit';
import { streams, subjects, UserRegisteredEvent } from '@cipherlink/proto';
import { fileURLToPath } from 'node:url';
import { startUserRegisteredConsumer } from '../src/handlers/user-registered-consumer';
import { createUserStore, type UserStore } from '../src/store/user-store';
import { config, logger, uniqueUsername, until } from './support';

// A durable of its own, so a directory running elsewhere on this machine (the shared durable) cannot take the
// test's messages. Same code path as the service, which passes the shared name.
const durable = `directory-user-registered-test-${randomUUID().slice(0, 8)}`;
let nats: Nats;
let pool: PgPool;
let users: UserStore;
let consumer: DurableConsumer;

beforeAll(async () => {
  await migrate({ databaseUrl: config.DATABASE_URL, dir: fileURLToPath(new URL('../migrations', import.meta.url)), service: 'directory', logger });
  nats = await connectNats({ url: config.NATS_URL, name: 'directory-consumer-test', logger });
  await ensureStream(nats.jsm, streams.events);
  pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-consumer-test' });
  users = createUserStore(pool);
  consumer = await startUserRegisteredConsumer(nats, users, logger, { durable });
});
afterAll(async () => {
  await consumer?.stop();
  await nats?.jsm.consumers.delete(streams.events.name, durable).catch(() => undefined);
  await nats?.close();
  await pool?.end();
});

describe('user-registered consumer', () => {
  it('stores a registered user, idempotently, after an invalid message was skipped', async () => {
    // An invalid payload is terminated, not retried forever: the valid event behind it still arrives.
    await nats.js.publish(subjects.evt.userRegistered, JSON.stringify({ v: 1, userId: 'not-a-uuid' }));

    const event = { v: 1 as const, userId: randomUUID(), username: uniqueUsername(), occurredAt: new Date().toISOString() };
    await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, event, { msgId: `test-${event.userId}` });
    const stored = await until(() => users.findById(event.userId), 10_000);
    expect(stored).toEqual({ id: event.userId, username: event.username });

    // A redelivery (new msg id, same event) changes nothing and is acknowledged.
    await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, event, { msgId: `test-${event.userId}-again` });
    await until(async () => (isDrained(await nats.jsm.consumers.info(streams.events.name, durable)) ? true : undefined), 10_000);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM directory_users WHERE id = $1', [event.userId]);
    expect(rows[0].n).toBe(1);
    expect(await users.findByUsername(event.username)).toEqual({ id: event.userId, username: event.username });
  });
});

const isDrained = (info: { num_pending: number; num_ack_pending: number }) => info.num_pending === 0 && info.num_ack_pending === 0;

import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats, createPgPool, ensureStream, migrate, publishDurable, type DurableConsumer, type Nats, type PgPool } from '@cipherlink/kit';
import { MemberRemovedEvent, streams, subjects, UserDeletedEvent, UserRegisteredEvent } from '@cipherlink/proto';
import { startUserDeletedConsumer } from '../src/handlers/user-deleted-consumer';
import { startUserRegisteredConsumer } from '../src/handlers/user-registered-consumer';
import { createDirectoryStore, type DirectoryStore } from '../src/store/directory-store';
import { config, fakePublicKey, logger, uniqueUsername, until } from './support';

// Durables of their own, so a directory running elsewhere on this machine (the shared durables) cannot take the
// test's messages. Same code path as the service, which passes the shared names.
const suffix = randomUUID().slice(0, 8);
const deletedDurable = `directory-user-deleted-test-${suffix}`;
const registeredDurable = `directory-user-registered-test-${suffix}`;
let nats: Nats;
let pool: PgPool;
let store: DirectoryStore;
let consumers: DurableConsumer[] = [];

beforeAll(async () => {
  await migrate({ databaseUrl: config.DATABASE_URL, dir: fileURLToPath(new URL('../migrations', import.meta.url)), service: 'directory', logger });
  nats = await connectNats({ url: config.NATS_URL, name: 'directory-user-deleted-test', logger });
  await ensureStream(nats.jsm, streams.events);
  pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-user-deleted-test' });
  store = createDirectoryStore(pool);
  consumers = [
    await startUserDeletedConsumer(nats, store.users, logger, { durable: deletedDurable }),
    await startUserRegisteredConsumer(nats, store.users, logger, { durable: registeredDurable }),
  ];
});
afterAll(async () => {
  for (const c of consumers) await c.stop();
  for (const d of [deletedDurable, registeredDurable]) await nats?.jsm.consumers.delete(streams.events.name, d).catch(() => undefined);
  await nats?.close();
  await pool?.end();
});

const now = () => new Date().toISOString();
const isDrained = (info: { num_pending: number; num_ack_pending: number }) => info.num_pending === 0 && info.num_ack_pending === 0;
const drained = (durable: string) => until(async () => (isDrained(await nats.jsm.consumers.info(streams.events.name, durable)) ? true : undefined), 10_000);

describe('user-deleted consumer', () => {
  it('removes the user, devices and memberships, idempotently; the name is free for a new account', async () => {
    const gone = { id: randomUUID(), username: uniqueUsername() };
    const peer = { id: randomUUID(), username: uniqueUsername() };
    await store.users.upsert(gone);
    await store.users.upsert(peer);
    await store.devices.register(gone.id, fakePublicKey());
    const { conversation } = await store.conversations.openDm(gone.id, peer.id);

    // An invalid payload is terminated, not retried forever: the valid event behind it still arrives.
    await nats.js.publish(subjects.evt.userDeleted, JSON.stringify({ v: 1, userId: 'not-a-uuid' }));
    const event = { v: 1 as const, userId: gone.id, occurredAt: now() };
    await publishDurable(nats, subjects.evt.userDeleted, UserDeletedEvent, event, { msgId: `test-del-${gone.id}` });
    await until(async () => ((await store.users.findById(gone.id)) ? undefined : true), 10_000);
    expect(await store.devices.listOf(gone.id)).toEqual([]);
    expect(await store.conversations.contactsOf(peer.id)).toEqual([]);
    expect(await store.conversations.isMember(conversation.id, gone.id)).toBe(false);

    // A redelivery (new msg id, same event) is acknowledged and changes nothing.
    await publishDurable(nats, subjects.evt.userDeleted, UserDeletedEvent, event, { msgId: `test-del-${gone.id}-again` });
    await drained(deletedDurable);

    // A replay of the deleted user's registration does not bring them back; a new account takes the name.
    await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, { v: 1, ...gone, userId: gone.id, occurredAt: now() }, { msgId: `test-reg-${gone.id}-replay` });
    const successor = { id: randomUUID(), username: gone.username };
    await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, { v: 1, userId: successor.id, username: successor.username, occurredAt: now() }, { msgId: `test-reg-${successor.id}` });
    expect(await until(() => store.users.findByUsername(gone.username), 10_000)).toEqual(successor);
    await drained(registeredDurable);
    expect(await store.users.findById(gone.id)).toBeUndefined();
  });

  it('announces member-removed (account_deleted) for every conversation the user was in, with its new version', async () => {
    const [gone, peer, roomie] = [randomUUID(), randomUUID(), randomUUID()].map((id) => ({ id, username: uniqueUsername() }));
    for (const u of [gone!, peer!, roomie!]) await store.users.upsert(u);
    const { conversation: dm } = await store.conversations.openDm(gone!.id, peer!.id);
    const { id: roomId } = await store.rooms.create(gone!.id, 'left behind');
    await store.rooms.addMember(roomId, gone!.id, roomie!.id);
    const seen: MemberRemovedEvent[] = [];
    const sub = nats.nc.subscribe(subjects.evt.memberRemovedAll, { callback: (_e, m) => void seen.push(MemberRemovedEvent.parse(m.json())) });
    await nats.nc.flush();
    try {
      await publishDurable(nats, subjects.evt.userDeleted, UserDeletedEvent, { v: 1, userId: gone!.id, occurredAt: now() }, { msgId: `test-del-${gone!.id}` });
      const events = await until(() => (seen.filter((e) => e.userId === gone!.id).length === 2 ? seen.filter((e) => e.userId === gone!.id) : undefined), 10_000);
      expect(events.map((e) => [e.conversationId, e.conversationKind, e.epochHint, e.reason]).sort()).toEqual(
        [
          [dm.id, 'dm', 2, 'account_deleted'],
          [roomId, 'group', 3, 'account_deleted'],
        ].sort(),
      );
      // The room keeps an admin.
      expect((await store.conversations.findForMember(roomId, roomie!.id))?.members).toEqual([{ ...roomie, role: 'admin' }]);
    } finally {
      sub.unsubscribe();
    }
  });

  it("retries a registration whose name is still held by a deleted account until that account's removal lands", async () => {
    const old = { id: randomUUID(), username: uniqueUsername() };
    await store.users.upsert(old);
    const successor = { id: randomUUID(), username: old.username };
    // The new account's registration is consumed first; the old account's deletion comes after.
    await publishDurable(nats, subjects.evt.userRegistered, UserRegisteredEvent, { v: 1, userId: successor.id, username: successor.username, occurredAt: now() }, { msgId: `test-reg-${successor.id}` });
    await new Promise((r) => setTimeout(r, 300));
    expect(await store.users.findByUsername(old.username)).toEqual(old);
    await publishDurable(nats, subjects.evt.userDeleted, UserDeletedEvent, { v: 1, userId: old.id, occurredAt: now() }, { msgId: `test-del-${old.id}` });
    expect(await until(async () => ((await store.users.findById(successor.id)) ? true : undefined), 15_000)).toBe(true);
    expect(await store.users.findByUsername(old.username)).toEqual(successor);
  });
});

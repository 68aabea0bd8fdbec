import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, migrate, type PgPool } from '@cipherlink/kit';
import { fileURLToPath } from 'node:url';
import { createDirectoryStore, type DirectoryStore } from '../src/store/directory-store';
import { config, fakePublicKey, logger, uniqueUsername } from './support';

let pool: PgPool;
let store: DirectoryStore;

async function newUser() {
  const user = { id: randomUUID(), username: uniqueUsername() };
  expect(await store.users.upsert(user)).toBe('inserted');
  return user;
}

beforeAll(async () => {
  await migrate({
    databaseUrl: config.DATABASE_URL,
    dir: fileURLToPath(new URL('../migrations', import.meta.url)),
    service: 'directory',
    logger,
  });
  pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-store-test', max: 12 });
  store = createDirectoryStore(pool);
});
afterAll(async () => {
  await pool.end();
});

describe('users', () => {
  it('upserts idempotently and refuses a taken username for another id', async () => {
    const user = await newUser();
    expect(await store.users.upsert(user)).toBe('exists');
    expect(await store.users.upsert({ id: randomUUID(), username: user.username.toUpperCase() })).toBe('username_taken');
    expect(await store.users.findByUsername(user.username.toUpperCase())).toEqual(user);
    expect(await store.users.findById(user.id)).toEqual(user);
    expect(await store.users.findById(randomUUID())).toBeUndefined();
  });
});

describe('deleted users', () => {
  it('removes devices, memberships and the row; frees the username; keeps the DM for the other member', async () => {
    const [gone, peer, third] = [await newUser(), await newUser(), await newUser()];
    await store.devices.register(gone.id, fakePublicKey());
    const { conversation: dm } = await store.conversations.openDm(gone.id, peer.id);
    const { conversation: other } = await store.conversations.openDm(peer.id, third.id);

    expect(await store.users.remove(gone.id)).toBe('removed');
    expect(await store.users.findById(gone.id)).toBeUndefined();
    expect(await store.users.findByUsername(gone.username)).toBeUndefined();
    expect(await store.devices.listOf(gone.id)).toEqual([]);
    expect(await store.conversations.idsOf(gone.id)).toEqual([]);
    expect(await store.conversations.isMember(dm.id, gone.id)).toBe(false);
    // The peer keeps the conversation (and its history) but no longer has the deleted user as a contact.
    expect(await store.conversations.contactsOf(peer.id)).toEqual([third.id]);
    expect((await store.conversations.findForMember(dm.id, peer.id))?.members).toEqual([{ ...peer, role: 'member' }]);
    expect((await store.conversations.findForMember(other.id, peer.id))?.members.map((m) => m.id).sort()).toEqual([peer.id, third.id].sort());

    // Someone else may take the name at once.
    const successor = { id: randomUUID(), username: gone.username };
    expect(await store.users.upsert(successor)).toBe('inserted');
    expect(await store.users.findByUsername(gone.username)).toEqual(successor);
  });

  it('is idempotent and never lets the deleted id come back', async () => {
    const gone = await newUser();
    expect(await store.users.remove(gone.id)).toBe('removed');
    expect(await store.users.remove(gone.id)).toBe('already_removed');
    // A replayed registration, or an upsert from a still-valid token, is refused.
    expect(await store.users.upsert(gone)).toBe('deleted');
    expect(await store.users.findById(gone.id)).toBeUndefined();
    // Deleting an account the directory never saw still leaves a tombstone, so its registration arriving late is refused.
    const neverSeen = { id: randomUUID(), username: uniqueUsername() };
    expect(await store.users.remove(neverSeen.id)).toBe('already_removed');
    expect(await store.users.upsert(neverSeen)).toBe('deleted');
  });

  it('drops a conversation once its last member is deleted', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const { conversation } = await store.conversations.openDm(a.id, b.id);
    await store.users.remove(a.id);
    await store.users.remove(b.id);
    const { rowCount } = await pool.query('SELECT 1 FROM directory_conversations WHERE id = $1', [conversation.id]);
    expect(rowCount).toBe(0);
  });

  it('a registration racing the deletion of the same id never survives it', async () => {
    for (let i = 0; i < 10; i++) {
      const user = { id: randomUUID(), username: uniqueUsername() };
      await Promise.all([store.users.upsert(user), store.users.remove(user.id), store.users.upsert(user)]);
      expect(await store.users.findById(user.id)).toBeUndefined();
    }
  });
});

describe('devices', () => {
  it('registers a key once per user and lists it', async () => {
    const user = await newUser();
    const key = fakePublicKey();
    const first = await store.devices.register(user.id, key);
    const again = await store.devices.register(user.id, key);
    expect(first.created).toBe(true);
    expect(again).toEqual({ device: first.device, created: false });
    expect(first.device).toMatchObject({ userId: user.id, publicKey: key });
    expect(await store.devices.listOf(user.id)).toEqual([first.device]);
    expect(await store.devices.belongsTo(user.id, first.device.id)).toBe(true);
    const other = await newUser();
    expect(await store.devices.belongsTo(other.id, first.device.id)).toBe(false);
  });
});

describe('conversations', () => {
  it('ten concurrent DM opens from both sides create exactly one conversation with both members', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store.conversations.openDm(a.id, b.id) : store.conversations.openDm(b.id, a.id))));
    const ids = new Set(results.map((r) => r.conversation.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    for (const r of results) {
      expect(r.conversation.kind).toBe('dm');
      expect(r.conversation.members.map((m) => m.id).sort()).toEqual([a.id, b.id].sort());
    }
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM directory_members WHERE conversation_id = $1', [[...ids][0]]);
    expect(rows[0].n).toBe(2);
  });

  it('lists a user’s conversations newest first and hides them from non-members', async () => {
    const [me, first, second, stranger] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const older = (await store.conversations.openDm(me.id, first.id)).conversation;
    const newer = (await store.conversations.openDm(second.id, me.id)).conversation;
    expect((await store.conversations.listOf(me.id)).map((c) => c.id)).toEqual([newer.id, older.id]);
    expect(await store.conversations.findForMember(older.id, me.id)).toEqual(older);
    expect(await store.conversations.findForMember(older.id, stranger.id)).toBeUndefined();
    expect(await store.conversations.isMember(older.id, first.id)).toBe(true);
    expect(await store.conversations.isMember(older.id, second.id)).toBe(false);
    expect((await store.conversations.idsOf(me.id)).sort()).toEqual([older.id, newer.id].sort());
    expect(await store.conversations.contactsOf(me.id)).toEqual([first.id, second.id].sort());
    expect(await store.conversations.contactsOf(stranger.id)).toEqual([]);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgPool, migrate, type PgPool } from '@cipherlink/kit';
import { createDirectoryStore, type DirectoryStore } from '../src/store/directory-store';
import { certifiedDevice, config, fakePublicKey, logger, p256Pair, uniqueUsername } from './support';

// The protocol v1 tables against the real PostgreSQL: identity keys, certified devices, rooms, key backups.
let pool: PgPool;
let store: DirectoryStore;

async function newUser() {
  const user = { id: randomUUID(), username: uniqueUsername() };
  expect(await store.users.upsert(user)).toBe('inserted');
  return user;
}

beforeAll(async () => {
  await migrate({ databaseUrl: config.DATABASE_URL, dir: fileURLToPath(new URL('../migrations', import.meta.url)), service: 'directory', logger });
  pool = createPgPool(config.DATABASE_URL, { applicationName: 'directory-v1-store-test', max: 12 });
  store = createDirectoryStore(pool);
});
afterAll(async () => {
  await pool.end();
});

describe('identity keys and certified devices', () => {
  it('sets an identity key once, keeps it on a repeat, and versions a replacement that drops the old certified devices', async () => {
    const user = await newUser();
    const first = p256Pair();
    const created = await store.identities.set(user.id, first.publicKey);
    expect(created).toMatchObject({ kind: 'created', identity: { identityKey: first.publicKey, version: 1 } });
    expect(await store.identities.set(user.id, first.publicKey)).toMatchObject({ kind: 'unchanged', identity: { version: 1 } });

    const device = certifiedDevice(user.id, first);
    expect((await store.devices.registerCertified(user.id, device, first.publicKey)).kind).toBe('created');
    const v0 = await store.devices.register(user.id, fakePublicKey());

    const second = p256Pair();
    const replaced = await store.identities.set(user.id, second.publicKey);
    expect(replaced).toMatchObject({ kind: 'replaced', identity: { identityKey: second.publicKey, version: 2 }, removedDeviceIds: [device.deviceId] });
    if (replaced.kind === 'replaced') expect(Date.parse(replaced.identity.changedAt)).toBeGreaterThanOrEqual(Date.parse(created.identity.changedAt));
    expect(await store.devices.certifiedOf([user.id])).toEqual(new Map());
    // The v0 device has no certificate to invalidate and stays.
    expect(await store.devices.listOf(user.id)).toEqual([v0.device]);
  });

  it('registers a certified device idempotently and refuses a taken id or a stale identity key', async () => {
    const [user, other] = [await newUser(), await newUser()];
    const identity = p256Pair();
    await store.identities.set(user.id, identity.publicKey);
    const device = certifiedDevice(user.id, identity);
    const first = await store.devices.registerCertified(user.id, device, identity.publicKey);
    expect(first).toMatchObject({ kind: 'created', device: { deviceId: device.deviceId, ecdhKey: device.ecdhKey, certifiedAt: device.certifiedAt } });
    expect(await store.devices.registerCertified(user.id, device, identity.publicKey)).toEqual({ ...first, kind: 'exists' });
    // The same id with other keys, or for another user, is taken.
    expect((await store.devices.registerCertified(user.id, { ...certifiedDevice(user.id, identity), deviceId: device.deviceId }, identity.publicKey)).kind).toBe('id_taken');
    const otherIdentity = p256Pair();
    await store.identities.set(other.id, otherIdentity.publicKey);
    expect((await store.devices.registerCertified(other.id, device, otherIdentity.publicKey)).kind).toBe('id_taken');
    // Checked against a key that is no longer the user's.
    expect((await store.devices.registerCertified(user.id, certifiedDevice(user.id, identity), p256Pair().publicKey)).kind).toBe('identity_changed');
    expect(await store.devices.belongsTo(user.id, device.deviceId)).toBe(true);
    // v0 listings show v0 devices only.
    expect(await store.devices.listOf(user.id)).toEqual([]);
  });

  it('never keeps a device certified by a replaced key, however registration and replacement interleave', async () => {
    for (let i = 0; i < 5; i++) {
      const user = await newUser();
      const oldKey = p256Pair();
      await store.identities.set(user.id, oldKey.publicKey);
      const newKey = p256Pair();
      const devices = Array.from({ length: 4 }, () => certifiedDevice(user.id, oldKey));
      await Promise.all([
        ...devices.map((d) => store.devices.registerCertified(user.id, d, oldKey.publicKey)),
        store.identities.set(user.id, newKey.publicKey),
      ]);
      expect(await store.devices.certifiedOf([user.id])).toEqual(new Map());
    }
  });

  it('tells which devices belong to current members', async () => {
    const [a, b, c] = [await newUser(), await newUser(), await newUser()];
    const ids = await Promise.all(
      [a, b, c].map(async (u) => {
        const identity = p256Pair();
        await store.identities.set(u.id, identity.publicKey);
        const d = certifiedDevice(u.id, identity);
        await store.devices.registerCertified(u.id, d, identity.publicKey);
        return d.deviceId;
      }),
    );
    const v0 = (await store.devices.register(b.id, fakePublicKey())).device.id;
    const { conversation } = await store.conversations.openDm(a.id, b.id);
    const found = await store.devices.certifiedOfMembers(conversation.id, [...ids, v0, randomUUID()]);
    expect(found.sort((x, y) => x.deviceId.localeCompare(y.deviceId))).toEqual(
      [
        { deviceId: ids[0], userId: a.id },
        { deviceId: ids[1], userId: b.id },
      ].sort((x, y) => x.deviceId!.localeCompare(y.deviceId!)),
    );
  });
});

describe('rooms', () => {
  it('creates a room with its creator as admin at version 1 and bumps the version per change', async () => {
    const [owner, bob, carol] = [await newUser(), await newUser(), await newUser()];
    const { id, change } = await store.rooms.create(owner.id, 'team');
    expect(change).toEqual({ conversationId: id, kind: 'group', userId: owner.id, version: 1 });
    expect((await store.rooms.addMember(id, owner.id, bob.id)).change?.version).toBe(2);
    expect(await store.rooms.addMember(id, owner.id, bob.id)).toEqual({ decision: 'already_member' });
    expect((await store.rooms.addMember(id, bob.id, carol.id)).decision).toBe('forbidden');
    expect((await store.rooms.addMember(id, carol.id, carol.id)).decision).toBe('not_found');
    const room = await store.conversations.findForMember(id, bob.id);
    expect(room).toMatchObject({ kind: 'group', name: 'team', membershipVersion: 2 });
    expect(room?.members.find((m) => m.id === owner.id)?.role).toBe('admin');
    expect(room?.members.find((m) => m.id === bob.id)?.role).toBe('member');

    expect(await store.rooms.removeMember(id, owner.id, owner.id)).toEqual({ decision: 'last_admin' });
    expect(await store.rooms.removeMember(id, bob.id, bob.id)).toMatchObject({ decision: 'remove', reason: 'left', change: { version: 3 } });
    expect(await store.conversations.isMember(id, bob.id)).toBe(false);
    const listing = await store.rooms.membersFor(id, owner.id);
    expect(listing).toMatchObject({ kind: 'group', membershipVersion: 3, members: [{ userId: owner.id, role: 'admin' }] });
    expect(await store.rooms.membersFor(id, bob.id)).toBeUndefined();
  });

  it('gives concurrent additions consecutive versions', async () => {
    const owner = await newUser();
    const users = await Promise.all(Array.from({ length: 10 }, () => newUser()));
    const { id } = await store.rooms.create(owner.id, 'busy');
    const results = await Promise.all(users.map((u) => store.rooms.addMember(id, owner.id, u.id)));
    expect(results.map((r) => r.change!.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('promotes admins and deletes a room its last member leaves', async () => {
    const [owner, bob] = [await newUser(), await newUser()];
    const { id } = await store.rooms.create(owner.id, 'short-lived');
    await store.rooms.addMember(id, owner.id, bob.id);
    expect(await store.rooms.promote(id, bob.id, bob.id)).toBe('forbidden');
    expect(await store.rooms.promote(id, owner.id, bob.id)).toBe('promote');
    expect(await store.rooms.promote(id, owner.id, bob.id)).toBe('already_admin');
    // Two admins: the first may leave now.
    expect((await store.rooms.removeMember(id, owner.id, owner.id)).decision).toBe('remove');
    expect((await store.rooms.removeMember(id, bob.id, bob.id)).decision).toBe('remove');
    const { rowCount } = await pool.query('SELECT 1 FROM directory_conversations WHERE id = $1', [id]);
    expect(rowCount).toBe(0);
  });

  it('on account deletion reports every conversation left with its new version and promotes a successor admin', async () => {
    const [gone, early, late, peer] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const { id: roomId } = await store.rooms.create(gone.id, 'orphaned');
    await store.rooms.addMember(roomId, gone.id, early.id);
    await store.rooms.addMember(roomId, gone.id, late.id);
    const { conversation: dm } = await store.conversations.openDm(gone.id, peer.id);
    const { result, left } = await store.users.removeAccount(gone.id);
    expect(result).toBe('removed');
    expect(left.sort((a, b) => a.conversationId.localeCompare(b.conversationId))).toEqual(
      [
        { conversationId: roomId, kind: 'group', userId: gone.id, version: 4 },
        { conversationId: dm.id, kind: 'dm', userId: gone.id, version: 2 },
      ].sort((a, b) => a.conversationId.localeCompare(b.conversationId)),
    );
    const room = await store.conversations.findForMember(roomId, late.id);
    expect(room?.members.map((m) => [m.id, m.role]).sort()).toEqual([[early.id, 'admin'], [late.id, 'member']].sort());
    expect((await store.users.removeAccount(gone.id)).left).toEqual([]);
  });
});

describe('key backups', () => {
  it('stores version 1, then only version n + 1, reporting the current version on a conflict', async () => {
    const user = await newUser();
    const blob = () => randomBytes(64).toString('base64url');
    expect(await store.keyBackups.get(user.id)).toBeUndefined();
    expect(await store.keyBackups.put(user.id, 2, blob())).toEqual({ kind: 'conflict', currentVersion: 0 });
    const first = blob();
    expect(await store.keyBackups.put(user.id, 1, first)).toMatchObject({ kind: 'stored', version: 1 });
    expect(await store.keyBackups.put(user.id, 1, blob())).toEqual({ kind: 'conflict', currentVersion: 1 });
    expect(await store.keyBackups.put(user.id, 3, blob())).toEqual({ kind: 'conflict', currentVersion: 1 });
    expect(await store.keyBackups.get(user.id)).toMatchObject({ version: 1, blob: first });
    const second = blob();
    expect(await store.keyBackups.put(user.id, 2, second)).toMatchObject({ kind: 'stored', version: 2 });
    expect(await store.keyBackups.get(user.id)).toMatchObject({ version: 2, blob: second });
  });

  it('lets exactly one of several devices writing on top of the same version win', async () => {
    const user = await newUser();
    await store.keyBackups.put(user.id, 1, 'AAAA');
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.keyBackups.put(user.id, 2, `B${i}AA`)));
    expect(results.filter((r) => r.kind === 'stored')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'conflict').every((r) => r.kind === 'conflict' && r.currentVersion === 2)).toBe(true);
  });

  it('goes with the account', async () => {
    const user = await newUser();
    await store.keyBackups.put(user.id, 1, 'AAAA');
    await store.identities.set(user.id, p256Pair().publicKey);
    await store.users.remove(user.id);
    expect(await store.keyBackups.get(user.id)).toBeUndefined();
    expect(await store.identities.get(user.id)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { KeyPackageUpload } from '@cipherlink/proto';
import { openSenderKeyDistribution, SenderKeyRing, type VerifiedDevice } from '../crypto/v1';
import { UntrustedIdentityError } from '../errors';
import { MemoryKeyStore } from '../store/memory-key-store';
import { testAccount, testDevice, testUser, type TestUser } from './e2ee.test-support';
import type { KeyDirectory, VerifiedMember, VerifiedMembers } from './key-directory';
import { OutboundSessions } from './outbound';
import { recordNames } from './records';
import { SenderKeys, type OutboundState } from './sender-keys';
import type { TrustRecord } from './trust';

const CONV = crypto.randomUUID();

function member(user: TestUser, devices: VerifiedDevice[], trust?: TrustRecord): VerifiedMember {
  return { userId: user.userId, identityKey: 'k', trust, devices, invalid: [], listed: [], username: user.userId.slice(0, 8), role: 'member', joinedAt: '2026-01-01T00:00:00.000Z' };
}

async function world() {
  const alice = await testUser();
  const bob = await testUser();
  const carol = await testUser();
  const [a1, a2, b1, c1] = [await testDevice(alice), await testDevice(alice), await testDevice(bob), await testDevice(carol)];
  const store = new MemoryKeyStore();
  const account = testAccount(alice, a1.local);
  const keys = new SenderKeys(store, alice.userId);
  const listing: { current: VerifiedMembers } = {
    current: {
      conversationId: CONV,
      kind: 'group',
      membershipVersion: 3,
      members: [member(alice, [a1.verified, a2.verified]), member(bob, [b1.verified]), member(carol, [c1.verified])],
    },
  };
  const directory = { members: async () => listing.current } as unknown as KeyDirectory;
  const uploads: { epoch: number; packages: KeyPackageUpload[] }[] = [];
  const net = { fail: false };
  let backups = 0;
  const clock = { now: Date.now() };
  const outboundOf = (k: SenderKeys) =>
    new OutboundSessions({
      account,
      keys: k,
      directory,
      now: () => clock.now,
      distribute: async (_conv, epoch, packages) => {
        if (net.fail) throw new Error('socket closed');
        uploads.push({ epoch, packages });
      },
      onNewShare: () => backups++,
    });
  return { alice, bob, carol, a1, a2, b1, c1, store, keys, listing, uploads, net, clock, outbound: outboundOf(keys), outboundOf, backups: () => backups };
}

const recipientsOf = (u: { packages: KeyPackageUpload[] }) => u.packages.map((p) => p.recipientDeviceId).sort();

describe('OutboundSessions', () => {
  it('starts epoch 0 with a share for every other verified device (own ones included), then reuses it', async () => {
    const w = await world();
    const first = await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'one' });
    expect(first).toMatchObject({ epoch: 0, chainIndex: 0, senderDeviceId: w.a1.local.deviceId });
    expect(w.uploads).toHaveLength(1);
    expect(recipientsOf(w.uploads[0]!)).toEqual([w.a2.local.deviceId, w.b1.local.deviceId, w.c1.local.deviceId].sort());
    expect(w.backups()).toBe(1);
    // Bob's device opens its package and reads the message.
    const pkg = w.uploads[0]!.packages.find((p) => p.recipientDeviceId === w.b1.local.deviceId)!;
    const share = await openSenderKeyDistribution(pkg.blob, w.b1.local, w.a1.verified);
    const bobRing = new SenderKeyRing();
    await bobRing.add(share);
    await expect(
      bobRing.decrypt(first, { conversationId: CONV, messageId: first.messageId, senderUserId: w.alice.userId, senderDeviceId: w.a1.local.deviceId }),
    ).resolves.toMatchObject({ payload: { type: 'text', text: 'one' } });

    const second = await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'two' });
    expect(second).toMatchObject({ epoch: 0, chainIndex: 1 });
    expect(w.uploads).toHaveLength(1);
    // The chain position is stored before the envelope is handed out.
    const stored = await w.store.getRecord<OutboundState>(w.alice.userId, recordNames.outbound(CONV));
    expect(stored).toMatchObject({ distributed: true, membershipVersion: 3, record: { epoch: 0, chain: { index: 2 } } });
    // And the device keeps its own first share to read its messages back.
    expect(w.keys.sharesOf(CONV, w.a1.local.deviceId).map((s) => [s.epoch, s.chainIndex])).toEqual([[0, 0]]);
  });

  it('starts a new epoch without a removed member’s devices, and with a new device of a member', async () => {
    const w = await world();
    await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'all three' });
    w.listing.current = { ...w.listing.current, membershipVersion: 4, members: w.listing.current.members.filter((m) => m.userId !== w.carol.userId) };
    const afterRemoval = await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'without carol' });
    expect(afterRemoval.epoch).toBe(1);
    expect(recipientsOf(w.uploads[1]!)).toEqual([w.a2.local.deviceId, w.b1.local.deviceId].sort());
    expect(w.uploads.flatMap((u) => (u.epoch >= 1 ? u.packages : [])).some((p) => p.recipientDeviceId === w.c1.local.deviceId)).toBe(false);

    const b2 = await testDevice(w.bob);
    w.listing.current = {
      ...w.listing.current,
      members: w.listing.current.members.map((m) => (m.userId === w.bob.userId ? { ...m, devices: [...m.devices, b2.verified] } : m)),
    };
    const afterNewDevice = await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'hello new device' });
    expect(afterNewDevice.epoch).toBe(2);
    expect(recipientsOf(w.uploads[2]!)).toEqual([w.a2.local.deviceId, w.b1.local.deviceId, b2.local.deviceId].sort());
  });

  it('rotates when the membership version moves even if the same people are members again', async () => {
    const w = await world();
    await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'x' });
    w.listing.current = { ...w.listing.current, membershipVersion: 5 };
    expect((await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'y' })).epoch).toBe(1);
  });

  it('rotates a sender key that is a week old', async () => {
    const w = await world();
    await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'monday' });
    w.clock.now += 6 * 24 * 3600_000;
    expect((await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'sunday' })).epoch).toBe(0);
    w.clock.now += 24 * 3600_000;
    expect((await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'next monday' })).epoch).toBe(1);
  });

  it('never reuses an epoch whose distribution did not finish', async () => {
    const w = await world();
    w.net.fail = true;
    await expect(w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'lost' })).rejects.toThrow('socket closed');
    expect(await w.store.getRecord<OutboundState>(w.alice.userId, recordNames.outbound(CONV))).toMatchObject({ distributed: false, record: { epoch: 0 } });
    w.net.fail = false;
    expect((await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'retry' })).epoch).toBe(1);
  });

  it('continues the chain after a restart instead of reusing an index', async () => {
    const w = await world();
    await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'a' });
    await w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'b' });
    const restarted = w.outboundOf(new SenderKeys(w.store, w.alice.userId));
    expect(await restarted.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'c' })).toMatchObject({ epoch: 0, chainIndex: 2 });
    expect(w.uploads).toHaveLength(1);
  });

  it('refuses to encrypt while a verified member’s identity change is not accepted', async () => {
    const w = await world();
    w.listing.current = {
      ...w.listing.current,
      members: w.listing.current.members.map((m) =>
        m.userId === w.bob.userId ? { ...m, trust: { pinned: 'old', verified: false, pending: { key: 'new', wasVerified: true, at: '2026-01-01T00:00:00.000Z' } } } : m,
      ),
    };
    await expect(w.outbound.encrypt(CONV, crypto.randomUUID(), { type: 'text', text: 'no' })).rejects.toBeInstanceOf(UntrustedIdentityError);
    expect(w.uploads).toEqual([]);
  });
});

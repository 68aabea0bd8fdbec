import { describe, expect, it } from 'vitest';
import type { KeyPackage } from '@cipherlink/proto';
import { OutboundSenderKey, sealSenderKeyDistribution } from '../crypto/v1';
import { MemoryKeyStore } from '../store/memory-key-store';
import type { CipherLinkApi } from '../transport/cipherlink-api';
import { testAccount, testDevice, testUser } from './e2ee.test-support';
import type { KeyDirectory } from './key-directory';
import { KeyInbox } from './key-inbox';
import { recordNames } from './records';
import { SenderKeys } from './sender-keys';

const CONV = crypto.randomUUID();

async function world() {
  const alice = await testUser();
  const bob = await testUser();
  const [a1, b1] = [await testDevice(alice), await testDevice(bob)];
  const store = new MemoryKeyStore();
  const keys = new SenderKeys(store, alice.userId);
  const server: KeyPackage[] = [];
  const calls: number[] = [];
  const api = {
    keyPackages: async (_d: string, afterSeq: number, limit: number) => {
      calls.push(afterSeq);
      const after = server.filter((p) => p.seq > afterSeq);
      return { packages: after.slice(0, limit), hasMore: after.length > limit };
    },
  } as unknown as CipherLinkApi;
  const directory = { device: async (userId: string, deviceId: string) => (userId === bob.userId && deviceId === b1.local.deviceId ? b1.verified : undefined) } as unknown as KeyDirectory;
  const arrived: string[] = [];
  const inbox = new KeyInbox({ api, store, account: testAccount(alice, a1.local), directory, keys, onShare: (s) => arrived.push(`${s.epoch}`), pageSize: 2 });
  /** Bob distributes a new epoch to Alice's device; the server stores it as the next package. */
  const bobDistributes = async (epoch: number, tweak: Partial<KeyPackage> = {}) => {
    const key = await OutboundSenderKey.create({ conversationId: CONV, epoch, senderDeviceId: b1.local.deviceId, senderUserId: bob.userId });
    const blob = await sealSenderKeyDistribution(key.share(), b1.local, a1.verified);
    const pkg: KeyPackage = {
      seq: server.length + 1,
      recipientDeviceId: a1.local.deviceId,
      conversationId: CONV,
      epoch,
      senderUserId: bob.userId,
      senderDeviceId: b1.local.deviceId,
      blob,
      createdAt: new Date().toISOString(),
      ...tweak,
    };
    server.push(pkg);
    return pkg;
  };
  return { alice, bob, a1, b1, store, keys, inbox, server, calls, arrived, bobDistributes };
}

describe('KeyInbox', () => {
  it('fetches what it missed page by page, holds the keys, and remembers the last seq of this device', async () => {
    const w = await world();
    for (const e of [0, 1, 2]) await w.bobDistributes(e);
    await w.inbox.fetchMissed();
    expect(w.calls).toEqual([0, 2]);
    expect(w.arrived).toEqual(['0', '1', '2']);
    expect(w.keys.sharesOf(CONV, w.b1.local.deviceId).map((s) => s.epoch)).toEqual([0, 1, 2]);
    expect(await w.store.getRecord(w.alice.userId, recordNames.sync)).toEqual({ deviceId: w.a1.local.deviceId, keyPackageSeq: 3 });
    // A live package already fetched is not opened twice; a new one is.
    await w.inbox.receive(w.server[2]!);
    await w.inbox.receive(await w.bobDistributes(3));
    expect(w.arrived).toEqual(['0', '1', '2', '3']);
  });

  it('skips packages whose clear routing disagrees with the sealed one, or whose sender device is not verified', async () => {
    const w = await world();
    await w.bobDistributes(0, { epoch: 7 });
    await w.bobDistributes(1, { senderUserId: w.alice.userId });
    const stranger = await testUser();
    const s1 = await testDevice(stranger);
    const key = await OutboundSenderKey.create({ conversationId: CONV, epoch: 0, senderDeviceId: s1.local.deviceId, senderUserId: stranger.userId });
    w.server.push({
      seq: 3,
      recipientDeviceId: w.a1.local.deviceId,
      conversationId: CONV,
      epoch: 0,
      senderUserId: stranger.userId,
      senderDeviceId: s1.local.deviceId,
      blob: await sealSenderKeyDistribution(key.share(), s1.local, w.a1.verified),
      createdAt: new Date().toISOString(),
    });
    await w.inbox.fetchMissed();
    expect(w.arrived).toEqual([]);
    expect(w.keys.list()).toEqual([]);
    // They are not asked for again.
    expect(await w.store.getRecord(w.alice.userId, recordNames.sync)).toMatchObject({ keyPackageSeq: 3 });
  });

  it('ignores the stored seq of an earlier device of this browser', async () => {
    const w = await world();
    await w.store.putRecord(w.alice.userId, recordNames.sync, { deviceId: crypto.randomUUID(), keyPackageSeq: 50 });
    await w.bobDistributes(0);
    await w.inbox.fetchMissed();
    expect(w.calls[0]).toBe(0);
    expect(w.arrived).toEqual(['0']);
  });
});

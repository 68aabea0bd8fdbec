import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openSenderKeyDistribution, sealSenderKeyDistribution } from './distribution';
import type { EnvelopeV1 } from './envelope';
import { OutboundSenderKey } from './outbound-sender-key';
import { rejectionCode, testDevice, testMessageId, testUser, type TestDevice } from './protocol.testkit';
import { rotationDecision } from './rotation';
import { SenderKeyRing } from './sender-key-ring';

const routed = (e: Required<EnvelopeV1>, senderUserId: string) => ({ conversationId: e.conversationId, messageId: e.messageId, senderUserId, senderDeviceId: e.senderDeviceId });

/** Alice's device distributes its sender key to each recipient device, which opens it into its ring. */
async function distribute(key: OutboundSenderKey, from: TestDevice, to: TestDevice[], rings: Map<TestDevice, SenderKeyRing>): Promise<void> {
  for (const device of to) {
    const blob = await sealSenderKeyDistribution(key.share(), from.local, device.verified);
    await rings.get(device)!.add(await openSenderKeyDistribution(blob, device.local, from.verified));
  }
}

describe('group conversation: distribution, rotation and removal', () => {
  it('a device not given the new epoch sender key (a removed member) cannot decrypt after rotation', async () => {
    const [aliceU, bobU, carolU] = [await testUser(), await testUser(), await testUser()];
    const alice = await testDevice(aliceU);
    const bob = await testDevice(bobU);
    const carol = await testDevice(carolU);
    const rings = new Map([bob, carol].map((d) => [d, new SenderKeyRing()] as const));
    const conv = randomUUID();

    const members = { [aliceU.userId]: [alice.local.deviceId], [bobU.userId]: [bob.local.deviceId], [carolU.userId]: [carol.local.deviceId] };
    const epoch0 = await OutboundSenderKey.create({ conversationId: conv, epoch: 0, senderDeviceId: alice.local.deviceId, senderUserId: aliceU.userId, now: 1000 });
    await distribute(epoch0, alice, [bob, carol], rings);
    const before = await epoch0.encrypt(testMessageId(), { type: 'text', text: 'before' });
    for (const d of [bob, carol]) expect((await rings.get(d)!.decrypt(before, routed(before, aliceU.userId))).payload).toEqual({ type: 'text', text: 'before' });

    // Carol is removed: the policy asks for a new epoch, distributed to the remaining members only.
    const after = { [aliceU.userId]: [alice.local.deviceId], [bobU.userId]: [bob.local.deviceId] };
    expect(rotationDecision({ createdAt: epoch0.createdAt, messagesSent: epoch0.messagesSent, distributedTo: members }, after, 2000)).toEqual({ rotate: true, reason: 'membership-changed' });
    const epoch1 = await OutboundSenderKey.create({ conversationId: conv, epoch: 1, senderDeviceId: alice.local.deviceId, senderUserId: aliceU.userId, now: 2000 });
    await distribute(epoch1, alice, [bob], rings);
    const secret = await epoch1.encrypt(testMessageId(), { type: 'text', text: 'after' });

    expect((await rings.get(bob)!.decrypt(secret, routed(secret, aliceU.userId))).payload).toEqual({ type: 'text', text: 'after' });
    expect(await rejectionCode(rings.get(carol)!.decrypt(secret, routed(secret, aliceU.userId)))).toBe('missing-sender-key');
    // Relabelled as epoch 0 (the key Carol has), it fails the signature; Carol's old key never yields epoch 1 keys.
    const relabelled = { ...secret, epoch: 0 };
    expect(await rejectionCode(rings.get(carol)!.decrypt(relabelled, routed(relabelled, aliceU.userId)))).toBe('bad-signature');
    // Nor can she open the distribution meant for Bob.
    const bobsBlob = await sealSenderKeyDistribution(epoch1.share(), alice.local, bob.verified);
    await expect(openSenderKeyDistribution(bobsBlob, carol.local, alice.verified)).rejects.toThrow(/another device/);
  });

  it('a repeated share does not rewind a key that is in use (no replays through re-distribution)', async () => {
    const aliceU = await testUser();
    const alice = await testDevice(aliceU);
    const ring = new SenderKeyRing();
    const key = await OutboundSenderKey.create({ conversationId: randomUUID(), epoch: 0, senderDeviceId: alice.local.deviceId, senderUserId: aliceU.userId });
    const share = key.share();
    await ring.add(share);
    const env = await key.encrypt(testMessageId(), { type: 'text', text: 'once' });
    await ring.decrypt(env, routed(env, aliceU.userId));
    await ring.add(share);
    expect(ring.size).toBe(1);
    expect(await rejectionCode(ring.decrypt(env, routed(env, aliceU.userId)))).toBe('replay');
  });

  it('removeConversation forgets that conversation only', async () => {
    const aliceU = await testUser();
    const alice = await testDevice(aliceU);
    const ring = new SenderKeyRing();
    const [c1, c2] = [randomUUID(), randomUUID()];
    for (const conversationId of [c1, c2]) {
      await ring.add((await OutboundSenderKey.create({ conversationId, epoch: 0, senderDeviceId: alice.local.deviceId, senderUserId: aliceU.userId })).share());
    }
    ring.removeConversation(c1.toUpperCase());
    expect(ring.size).toBe(1);
    expect(ring.get({ conversationId: c2, epoch: 0, senderDeviceId: alice.local.deviceId })).toBeDefined();
  });
});

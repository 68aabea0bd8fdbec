import { describe, expect, it } from 'vitest';
import { DISTRIBUTION_BYTES, openSenderKeyDistribution, peekSenderKeyDistribution, sealSenderKeyDistribution } from './distribution';
import { CryptoParameterError, InvalidSenderKeyDistributionError } from './errors';
import { OutboundSenderKey } from './outbound-sender-key';
import { testDevice, testUser } from './protocol.testkit';
import { randomUUID } from 'node:crypto';

async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'accepted',
    (e: unknown) => (e instanceof InvalidSenderKeyDistributionError ? e.message : `unexpected ${String(e)}`),
  );
}

async function setup() {
  const [aliceUser, bobUser] = [await testUser(), await testUser()];
  const alice = await testDevice(aliceUser);
  const bob = await testDevice(bobUser);
  const bobPhone = await testDevice(bobUser);
  const conversationId = randomUUID();
  const key = await OutboundSenderKey.create({ conversationId, epoch: 2, senderDeviceId: alice.local.deviceId, senderUserId: aliceUser.userId });
  return { alice, bob, bobPhone, key, conversationId };
}

describe('sender-key distribution', () => {
  it('the recipient device opens exactly the share that was sealed', async () => {
    const { alice, bob, key, conversationId } = await setup();
    const share = key.share();
    const blob = await sealSenderKeyDistribution(share, alice.local, bob.verified);
    expect(Buffer.from(blob, 'base64url')).toHaveLength(DISTRIBUTION_BYTES);
    expect(peekSenderKeyDistribution(blob)).toEqual({
      conversationId,
      epoch: 2,
      senderUserId: alice.user.userId,
      senderDeviceId: alice.local.deviceId,
      recipientUserId: bob.user.userId,
      recipientDeviceId: bob.local.deviceId,
    });
    const opened = await openSenderKeyDistribution(blob, bob.local, alice.verified);
    expect(opened).toEqual(share);
  });

  it('is not readable by another device, even of the same user', async () => {
    const { alice, bob, bobPhone, key } = await setup();
    const blob = await sealSenderKeyDistribution(key.share(), alice.local, bob.verified);
    expect(await failure(openSenderKeyDistribution(blob, bobPhone.local, alice.verified))).toBe('the distribution is addressed to another device');
    // A device that lies about being the recipient (same ids, its own keys) cannot decrypt it.
    const impostor = { ...bobPhone.local, userId: bob.local.userId, deviceId: bob.local.deviceId };
    expect(await failure(openSenderKeyDistribution(blob, impostor, alice.verified))).toBe('the sender signature does not verify');
  });

  it('the recipient learns who sent it: a blob is accepted only with the sending device signature', async () => {
    const { alice, bob, key } = await setup();
    const mallory = await testDevice(await testUser());
    const blob = await sealSenderKeyDistribution(key.share(), alice.local, bob.verified);
    expect(await failure(openSenderKeyDistribution(blob, bob.local, mallory.verified))).toBe('the distribution names another sender device');
    // Mallory re-labelled as Alice's device (a directory that lies) still lacks Alice's signing key.
    const fakeAlice = { ...mallory.verified, userId: alice.verified.userId, deviceId: alice.verified.deviceId };
    expect(await failure(openSenderKeyDistribution(blob, bob.local, fakeAlice))).toBe('the sender signature does not verify');
    // And a device cannot distribute someone else's sender key.
    await expect(sealSenderKeyDistribution(key.share(), mallory.local, bob.verified)).rejects.toThrow(CryptoParameterError);
  });

  it('flipping any bit of any byte of the blob makes opening fail', async () => {
    const { alice, bob, key } = await setup();
    const blob = Buffer.from(await sealSenderKeyDistribution(key.share(), alice.local, bob.verified), 'base64url');
    const outcomes = new Set<string>();
    for (let i = 0; i < blob.length; i++) {
      const t = Buffer.from(blob);
      t[i]! ^= 1 << (i % 8);
      const result = await failure(openSenderKeyDistribution(t.toString('base64url'), bob.local, alice.verified));
      expect([i, result.startsWith('unexpected') || result === 'accepted']).toEqual([i, false]);
      outcomes.add(result);
    }
    expect(outcomes).toEqual(
      new Set([
        'the distribution is malformed',
        'the distribution is addressed to another device',
        'the distribution names another sender device',
        'the sender signature does not verify',
      ]),
    );
    expect(await failure(openSenderKeyDistribution(blob.subarray(1).toString('base64url'), bob.local, alice.verified))).toBe('the distribution is malformed');
    expect(await failure(openSenderKeyDistribution(`${blob.toString('base64url')}A`, bob.local, alice.verified))).toBe('the distribution is malformed');
  });

  it('each blob uses a fresh ephemeral key and IV', async () => {
    const { alice, bob, key } = await setup();
    const a = Buffer.from(await sealSenderKeyDistribution(key.share(), alice.local, bob.verified), 'base64url');
    const b = Buffer.from(await sealSenderKeyDistribution(key.share(), alice.local, bob.verified), 'base64url');
    const eph = (x: Buffer) => x.subarray(85, 150).toString('hex');
    expect(eph(a)).not.toBe(eph(b));
    expect(a.subarray(150).equals(b.subarray(150))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { SenderKeyShare } from '../crypto/v1';
import { mergeShares, sameShares } from './backup-sync';

const conv = '0190a6e0-0000-4000-8000-0000000000c1';
const dev = '0190a6e0-0000-4000-8000-0000000000d1';
function share(epoch: number, chainIndex: number, device = dev): SenderKeyShare {
  return { conversationId: conv, epoch, senderDeviceId: device, senderUserId: dev, chainIndex, chainKey: new Uint8Array(32), signingPublicKey: new Uint8Array(65) };
}

describe('backup share merge', () => {
  it('takes the union, keeping the earliest position of a key held on both sides', () => {
    const local = [share(0, 5), share(1, 0)];
    const remote = [share(0, 0), share(2, 3, '0190a6e0-0000-4000-8000-0000000000d2')];
    const merged = mergeShares(local, remote);
    expect(merged.map((s) => [s.senderDeviceId.slice(-2), s.epoch, s.chainIndex]).sort()).toEqual([
      ['d1', 0, 0],
      ['d1', 1, 0],
      ['d2', 2, 3],
    ]);
    expect(sameShares(merged, remote)).toBe(false);
    expect(sameShares(mergeShares(remote, remote), remote)).toBe(true);
    expect(sameShares([share(0, 1)], [share(0, 0)])).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { keyRequestTargets, splitPackages } from './key-distribution';

const d1 = '11111111-1111-4111-8111-111111111111';
const d2 = '22222222-2222-4222-8222-222222222222';
const d3 = '33333333-3333-4333-8333-333333333333';

describe('splitPackages', () => {
  it('keeps packages for allowed devices and refuses the rest, whatever the case of the ids', () => {
    const packages = [
      { recipientDeviceId: d1.toUpperCase(), blob: 'AAAA' },
      { recipientDeviceId: d2, blob: 'BBBB' },
      { recipientDeviceId: d3, blob: 'CCCC' },
    ];
    expect(splitPackages(packages, [d1, d3.toUpperCase()])).toEqual({
      accepted: [
        { recipientDeviceId: d1, blob: 'AAAA' },
        { recipientDeviceId: d3, blob: 'CCCC' },
      ],
      refused: [d2],
    });
    expect(splitPackages(packages, [])).toEqual({ accepted: [], refused: [d1, d2, d3] });
  });
});

describe('keyRequestTargets', () => {
  it("reaches the user's other devices only", () => {
    const connections = [
      { connectionId: 'a-phone', userId: 'alice', deviceId: d1 },
      { connectionId: 'a-laptop', userId: 'alice', deviceId: d2 },
      { connectionId: 'a-laptop-tab2', userId: 'alice', deviceId: d2 },
      { connectionId: 'b-phone', userId: 'bob', deviceId: d3 },
    ];
    expect(keyRequestTargets('ALICE', d1.toUpperCase(), connections)).toEqual(['a-laptop', 'a-laptop-tab2']);
    expect(keyRequestTargets('alice', d3, connections)).toEqual(['a-phone', 'a-laptop', 'a-laptop-tab2']);
    expect(keyRequestTargets('carol', d1, connections)).toEqual([]);
  });
});
